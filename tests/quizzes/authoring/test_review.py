"""Review: the reviewer reads what the version in review changes in the live one on the quiz
page, then publishes or sends it back; the people concerned are emailed once it commits, and
a mail server that fails never fails the action."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import translation

from quizzes.authoring.services import quiz_import
from quizzes.models import AuditEntry, Quiz, VersionStatus
from tests.conftest import demo_data
from tests.factories import UserFactory
from tests.quizzes.helpers import client_for

pytestmark = pytest.mark.django_db

SLUG = "which-morning-drink"
PAGE = reverse("quizzes:editor-quiz", args=[SLUG])


def action(client, name: str, comment: str = ""):
    return client.post(reverse("quizzes:editor-action", args=[SLUG, name]), {"comment": comment})


@pytest.fixture
def in_review(editor, author, django_capture_on_commit_callbacks):
    """v1 live (the editor's), v2 by the author (the quiz is shared with them) in review:
    a new title, a question reworded, an answer's points changed."""
    quiz_import(data=demo_data(SLUG), user=editor, publish=True)
    Quiz.objects.get(slug=SLUG).shared_with.add(author)
    data = demo_data(SLUG)
    data["title"] = "Your morning drink"
    data["questions"][1]["prompt"] = "Your perfect Saturday?"
    data["questions"][0]["choices"][0]["points"] = {"espresso": 3, "smoothie": 1}
    version = quiz_import(data=data, user=author)
    with django_capture_on_commit_callbacks(execute=True):
        assert action(client_for(author), "submit", "New title").status_code == 302
    return version


def test_the_reviewer_reads_what_changed_since_the_live_version(editor, in_review):
    html = client_for(editor).get(PAGE).content.decode()

    assert "What v2 changes in the live v1" in html
    assert '<div class="change-values"><span>was <del>Which morning drink are you?</del>' in html
    assert "Title changed" in html
    assert "Question 2 “Your perfect Saturday?”</strong>: Question text changed" in html
    assert "points for the result “espresso” changed" in html
    assert html.index('id="review"') < html.index("Approve and publish")


def test_a_first_version_is_everything_new(editor, author):
    quiz_import(data=demo_data(SLUG), user=author)
    html = client_for(editor).get(PAGE).content.decode()
    assert "What v1 holds" in html
    assert "Everything is new: 4 questions, 10 answers, 4 results." in html


def test_a_submission_emails_the_editors_who_may_publish_with_a_link(
    editor, author, in_review, settings
):
    [message] = mail.outbox
    assert message.to == ["erin@example.com"]
    assert message.subject == "Waiting for your review: Your morning drink (v2)"
    assert "alice submitted version 2 of “Your morning drink” for review." in message.body
    assert "New title" in message.body
    assert message.body.endswith(f"Open the quiz: {settings.SITE_URL}{PAGE}")


def test_superusers_are_reviewers_too_and_the_author_is_not_emailed(
    editor, author, django_capture_on_commit_callbacks
):
    UserFactory(username="root", email="root@example.com", is_superuser=True)
    UserFactory(username="gone", email="gone@example.com", is_superuser=True, is_active=False)
    quiz_import(data=demo_data(SLUG), user=author)
    with django_capture_on_commit_callbacks(execute=True):
        action(client_for(author), "submit")
    assert sorted(m.to[0] for m in mail.outbox) == ["erin@example.com", "root@example.com"]


def test_publishing_tells_the_author(editor, author, in_review, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = action(client_for(editor), "publish", "Lovely")
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["alice@example.com"]
    assert message.subject == "Published: Your morning drink (v2)"
    assert "Lovely" in message.body


def test_sending_back_tells_the_author_why(
    editor, author, in_review, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = action(client_for(editor), "send-back", "Say 'Saturday' once")
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["alice@example.com"]
    assert message.subject == "Sent back to you: Your morning drink (v2)"
    assert "erin sent version 2 of “Your morning drink” back to you." in message.body
    assert "Say 'Saturday' once" in message.body
    assert AuditEntry.objects.filter(action="sent back", comment="Say 'Saturday' once").exists()


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("no mail server")


def test_a_mail_server_that_fails_does_not_fail_the_action(
    editor, author, in_review, settings, django_capture_on_commit_callbacks, caplog
):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = action(client_for(editor), "publish")
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == VersionStatus.PUBLISHED
    assert "review email for which-morning-drink v2 not sent" in caplog.text


def test_the_confirmation_is_in_the_language_of_whoever_acted(author, settings):
    quiz_import(data=demo_data(SLUG), user=author)
    client = client_for(author)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    # Each request leaves its language active in this thread: restored when the test ends.
    with translation.override("en"):
        response = action(client, "submit")
        page = client.get(response["Location"]).content.decode()

    assert response.status_code == 302
    assert "已提交审核。" in page
