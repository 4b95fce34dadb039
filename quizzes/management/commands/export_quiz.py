"""`manage.py export_quiz SLUG [-o PATH]`: the quiz's latest version out, as a file.

JSON on stdout by default (or `-o -`); a .zip bundle of quiz.json and its images when the
quiz has images or PATH ends in .zip.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from quizzes.authoring.selectors import version_export
from quizzes.format.bundles import bundle_write, json_dumps
from quizzes.models import Quiz


class Command(BaseCommand):
    help = "Export the latest version of a quiz as a quizbuilder/1 file (.json or .zip)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("-o", "--output", default="-", help="a file path, or - for stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        quiz = Quiz.objects.filter(slug=options["slug"]).first()
        version = quiz.versions.order_by("-number").first() if quiz else None
        if version is None:
            raise CommandError(f"No quiz {options['slug']!r}.")
        data, images, problems = version_export(version=version)
        for problem in problems:
            self.stderr.write(f"warning: {problem}")
        output = options["output"]
        if output == "-":
            if images:
                self.stderr.write(
                    f"warning: the quiz names {len(images)} image(s); "
                    "use -o FILE.zip to include them"
                )
            self.stdout.write(json_dumps(data), ending="")
            return
        path = Path(output)
        if images and path.suffix.lower() != ".zip":
            path = path.with_suffix(".zip")
        try:
            if path.suffix.lower() == ".zip":
                path.write_bytes(bundle_write(data, images))
            else:
                path.write_text(json_dumps(data), encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"{path}: cannot write ({exc.strerror})") from None
        self.stdout.write(str(path))
