"""`python manage.py create_api_token <username>`: prints a new API token (shown once)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.tokens import TokenRefused, token_create, token_days_parse, user_by_username


class Command(BaseCommand):
    help = "Make an API token for a user (by username or email) and print it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="command line")
        parser.add_argument(
            "--days", default=None, help="days until it expires (API_TOKEN_DAYS_DEFAULT)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = user_by_username(options["username"])
        except Exception as exc:
            raise CommandError(f"No user {options['username']!r}.") from exc
        try:
            days = token_days_parse(options["days"])
        except TokenRefused as exc:
            raise CommandError(f"--days must be from 1 to {exc}.") from exc
        _, plaintext = token_create(user=user, name=options["name"], days=days)
        self.stdout.write(plaintext)
