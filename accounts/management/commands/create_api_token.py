"""`python manage.py create_api_token <username>`: prints a new API token (shown once)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.tokens import token_create, user_by_username


class Command(BaseCommand):
    help = "Make an API token for a user (by username or email) and print it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="command line")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = user_by_username(options["username"])
        except Exception as exc:
            raise CommandError(f"No user {options['username']!r}.") from exc
        _, plaintext = token_create(user=user, name=options["name"])
        self.stdout.write(plaintext)
