"""`manage.py import_quiz PATH [--publish]`: a quizbuilder/1 file (.json or .zip) in.

Prints the slug (alone on stdout, for scripts); without --publish, how to publish it on
stderr. On a site with no editor account yet (the first thing an operator may run), the quiz
is imported by the system: no owner until an Editor takes it on its page. A refused file
prints every problem (JSON path: message) on stderr, one per line, exits non-zero and saves
nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from django.urls import reverse

from quizzes.authoring.permissions import EDITORS, user_is_author, user_is_editor
from quizzes.authoring.services import NotAllowed, QuizRefused, quiz_import
from quizzes.format.bundles import BUNDLE_MAX_BYTES, BundleError, quiz_file_read

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # the site keeps Django's own user model


class Command(BaseCommand):
    help = "Import a quizbuilder/1 file (.json or .zip bundle): a new quiz, or a new draft of it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="a quiz .json file or a .zip bundle")
        parser.add_argument("--publish", action="store_true", help="publish the new version")
        parser.add_argument(
            "--user",
            help="username or email of the author to record (default: the first superuser "
            "or Editor; with none yet, the quiz has no owner until an Editor takes it)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        account = _user(options["user"])
        # No account yet: the operator at the shell imports (and may publish), as the spec's
        # "import_quiz PATH [--publish]" promises on a fresh site.
        system = account is None
        user: User | AnonymousUser = AnonymousUser() if account is None else account
        if not system and options["publish"] and not user_is_editor(user):
            raise CommandError(f"{user} is not an Editor and cannot publish.")
        try:
            if path.stat().st_size > BUNDLE_MAX_BYTES:
                raise CommandError(f"{path}: larger than {BUNDLE_MAX_BYTES} bytes")
            raw = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: cannot read the file ({exc.strerror})") from None
        try:
            data, images = quiz_file_read(
                raw, image_max_bytes=settings.IMAGE_MAX_BYTES, name=path.name
            )
            version = quiz_import(
                data=data, user=user, images=images, publish=options["publish"], system=system
            )
        except (BundleError, QuizRefused) as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            count = len(exc.problems)
            raise CommandError(
                f"{path}: refused, {count} problem{'s' if count != 1 else ''}; nothing was saved."
            ) from None
        except NotAllowed as exc:
            raise CommandError(str(exc)) from None
        slug = version.quiz.slug
        self.stdout.write(slug)
        if not options["publish"]:
            page = settings.SITE_URL + reverse("quizzes:editor-quiz", args=[slug])
            self.stderr.write(
                f"Imported as a draft (v{version.number}); visitors do not see it yet. To "
                f"publish it: python manage.py import_quiz {path} --publish, or press "
                f"Publish on {page}"
            )


def _user(name: str | None) -> User | None:
    accounts = get_user_model().objects
    if name:
        user = accounts.filter(Q(username=name) | Q(email__iexact=name)).first()
        if user is None:
            raise CommandError(f"No user {name!r}.")
        if not user_is_author(user):
            raise CommandError(f"{name} is neither an Author nor an Editor.")
        return user
    user = (
        accounts.filter(Q(is_superuser=True) | Q(groups__name=EDITORS), is_active=True)
        .order_by("id")
        .first()
    )
    return user
