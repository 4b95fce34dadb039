"""`python manage.py quiz_stats <slug> [--from D] [--to D]`: the stats API's JSON body."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from quizzes.models import Quiz
from sharing.stats.ranges import StatsRangeError, quiz_stats, stats_dates_parse


class Command(BaseCommand):
    help = "Print a quiz's share stats as JSON (the body of GET /api/quizzes/<slug>/stats/)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--from", dest="date_from", help="YYYY-MM-DD (UTC, inclusive)")
        parser.add_argument("--to", dest="date_to", help="YYYY-MM-DD (UTC, inclusive)")

    def handle(self, *args: Any, **options: Any) -> None:
        quiz = Quiz.objects.filter(slug=options["slug"]).select_related("live_version").first()
        if quiz is None:
            raise CommandError(f"No quiz {options['slug']!r}.")
        try:
            body = quiz_stats(quiz, *stats_dates_parse(options["date_from"], options["date_to"]))
        except StatsRangeError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(body, ensure_ascii=False, indent=2))
