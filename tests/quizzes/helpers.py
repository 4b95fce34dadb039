"""Helpers for the authoring tests: run the quiz commands, snapshot the quizzes tables, and
read an admin form back from its HTML so a test can post it as a browser would."""

from __future__ import annotations

import io
import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from quizzes.models import QuizVersion


def client_for(user, **kwargs: Any) -> Client:
    """A test client logged in as `user` (kwargs: the Client's, e.g. enforce_csrf_checks)."""
    client = Client(**kwargs)
    client.force_login(user)
    return client


def admin_url(version: QuizVersion) -> str:
    """The authoring admin's change page of a version."""
    return reverse("authoring:quizzes_quizversion_change", args=[version.pk])


def run(command: str, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(command, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def table_counts() -> dict[str, int]:
    """Rows in every table of the quizzes app (and the file storage is the tests' tmp dir)."""
    return {m.__name__: m.objects.count() for m in apps.get_app_config("quizzes").get_models()}


def versions_snapshot(slug: str) -> list[tuple]:
    return list(
        QuizVersion.objects.filter(quiz__slug=slug)
        .order_by("number")
        .values_list("id", "number", "status", "title", "updated_at", "definition")
    )


class _FormReader(HTMLParser):
    """What a browser posts: a select without a selected option sends its first one, and a
    disabled control (or one in a disabled fieldset) sends nothing."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.data: dict[str, Any] = {}
        self._select: str | None = None
        self._multiple = False
        self._textarea: str | None = None
        self._fieldsets: list[bool] = []  # the open fieldsets: disabled or not

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        if tag == "fieldset":
            self._fieldsets.append("disabled" in a)
            return
        if tag == "option":
            if self._select and self._multiple:
                if "selected" in a:
                    self.data.setdefault(self._select, []).append(a.get("value", ""))
            elif self._select and ("selected" in a or self._select not in self.data):
                self.data[self._select] = a.get("value", "")
            return
        name = a.get("name", "")
        skip = "disabled" in a or any(self._fieldsets)
        if not name or "__prefix__" in name or "-empty-" in name or skip:
            if tag == "select":
                self._select = None
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file", "image"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.data[name] = a.get("value", "on")
                return
            self.data[name] = a.get("value", "")
        elif tag == "select":
            self._select, self._multiple = name, "multiple" in a
            self.data.pop(name, None)  # a later control of that name: its own value
        elif tag == "textarea":
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "fieldset" and self._fieldsets:
            self._fieldsets.pop()
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            # Django puts a newline after <textarea>; a browser drops it.
            value = self.data[self._textarea] + data
            self.data[self._textarea] = value.removeprefix("\n")


def form_data(html: str, form_id: str = "quizversion_form") -> dict[str, Any]:
    reader = _FormReader(form_id)
    reader.feed(html)
    return reader.data
