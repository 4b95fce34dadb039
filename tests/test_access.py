"""Access to the authoring pages: a quiz the user may not see is "not found" (never a 403 that
tells a private draft from a slug nobody took), and the sharing widget lists only staff."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from quizzes.authoring.services import quiz_import
from tests.conftest import demo_data
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGES = ["/editor/quizzes/{}/stats/", "/editor/quizzes/{}/preview/"]


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("page", PAGES)
def test_another_authors_private_draft_is_not_found(page, author, other_author):
    quiz_import(data=demo_data("which-morning-drink"), user=other_author)  # never published
    client = _logged_in(author)

    draft = client.get(page.format("which-morning-drink"))
    nobody = client.get(page.format("no-such-quiz"))

    assert (draft.status_code, nobody.status_code) == (404, 404)
    # The same page but for what its language switch carries: a CSRF token new with each
    # response, and the address asked for, to come back to.
    assert _untokened(draft.content, "which-morning-drink") == _untokened(
        nobody.content, "no-such-quiz"
    )


def _untokened(html: bytes, slug: str) -> bytes:
    html = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", html)
    return html.replace(f'value="{PAGES[0].format(slug)}"'.encode(), b"").replace(
        f'value="{PAGES[1].format(slug)}"'.encode(), b""
    )


@pytest.mark.parametrize("page", PAGES)
def test_a_published_quiz_without_rights_is_not_found(page, publish, other_author):
    publish("which-morning-drink")
    assert _logged_in(other_author).get(page.format("which-morning-drink")).status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_a_visitor_account_gets_not_found(page, publish):
    publish("which-morning-drink")
    plain = UserFactory(username="walter")
    assert _logged_in(plain).get(page.format("which-morning-drink")).status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_the_owner_and_the_authors_it_is_shared_with_see_the_page(page, author, other_author):
    version = quiz_import(data=demo_data("which-morning-drink"), user=other_author)
    version.quiz.shared_with.add(author)
    for user in (author, other_author):
        assert _logged_in(user).get(page.format("which-morning-drink")).status_code == 200


def _shared_with_options(client: Client, quiz_id: int) -> set[str]:
    import re

    html = client.get(f"/editor/admin/quizzes/quiz/{quiz_id}/change/").content.decode()
    select = re.search(r'<select[^>]*name="shared_with".*?</select>', html, re.S)
    assert select is not None, html[:2000]
    return set(re.findall(r"<option[^>]*>([^<]*)</option>", select.group(0)))


def test_the_shared_with_widget_lists_only_active_authors_and_editors(author, other_author, editor):
    version = quiz_import(data=demo_data("which-morning-drink"), user=author)
    UserFactory(username="walter")  # a plain account (an invited visitor, a reviewer...)
    gone = UserFactory(username="gone")
    gone.groups.add(*other_author.groups.all())
    gone.is_active = False
    gone.save(update_fields=["is_active"])

    options = _shared_with_options(_logged_in(author), version.quiz.pk)

    assert options == {"alice", "bob", "erin"}


def test_sharing_with_a_plain_account_is_refused(author):
    version = quiz_import(data=demo_data("which-morning-drink"), user=author)
    walter = UserFactory(username="walter")
    client = _logged_in(author)

    response = client.post(
        f"/editor/admin/quizzes/quiz/{version.quiz.pk}/change/",
        {"shared_with": [str(walter.pk)], "retention_days": "30"},
    )

    assert response.status_code == 200  # the form again, with its error
    assert not version.quiz.shared_with.exists()
