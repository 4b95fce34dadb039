"""Import the demo quizzes that are missing and make a demo editor account if there is none."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from quizzes.authoring.services import quiz_import
from quizzes.models import Quiz

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
DEMO_PASSWORD = "quizbuilder-demo"  # noqa: S105  (a local demo account, printed on start)


class Command(BaseCommand):
    help = "Import missing demo quizzes (quizzes/demo/*.json) and create the demo editor."

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        email = settings.DEMO_EDITOR_EMAIL
        with transaction.atomic():
            editor = User.objects.filter(email=email).first()
            if editor is None:
                editor = User.objects.create_user(
                    username="editor", email=email, password=DEMO_PASSWORD, is_staff=True
                )
                editor.groups.add(Group.objects.get(name="Editors"))
                from allauth.account.models import EmailAddress

                EmailAddress.objects.create(user=editor, email=email, verified=True, primary=True)
        imported = []
        for path in sorted(DEMO_DIR.glob("*.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            if Quiz.objects.filter(slug=data.get("slug")).exists():
                continue
            quiz_import(data=data, user=editor, publish=True)
            imported.append(data["slug"])
        if imported:
            self.stdout.write(f"Imported demo quizzes: {', '.join(imported)}")
        self.stdout.write(f"Demo editor login: {email} / {DEMO_PASSWORD}  (change it!)")
