"""Leads: the API's 201 and 400s, only the result's owner, a locked result, consent kept,
CSV export and erasure by editors, deletion with the result, double opt-in by email."""

from __future__ import annotations

import csv
import io
import json

from django.core import mail

from integrations.models import Lead
from tests.integrations.conftest import LEAD, complete, definition_set, path_of
from tests.quizzes.helpers import client_for


def post_lead(client, result_id: str, body) -> tuple[int, dict]:
    response = client.post(
        f"/api/results/{result_id}/lead/", json.dumps(body), content_type="application/json"
    )
    return response.status_code, response.json()


def test_the_visitor_leaves_their_details_with_the_consent_text_kept(browser, lead_quiz):
    visitor = browser()
    body = complete(visitor)
    assert body["locked"] is False
    status, reply = post_lead(
        visitor, body["id"], {"email": "ana@example.com", "name": "Ana", "consent": True}
    )
    assert (status, reply) == (201, {"status": "saved"})
    lead = Lead.objects.get()
    assert (lead.email, lead.name, lead.consent_text) == ("ana@example.com", "Ana", LEAD["consent"])
    assert str(lead) == f"lead of {body['id']}"  # never the address (logs)


def test_bad_details_get_400s_and_nothing_is_saved(browser, lead_quiz):
    visitor = browser()
    result_id = complete(visitor)["id"]
    cases = [
        ({"email": "not-an-email", "consent": True}, {"email": ["Enter a valid email address."]}),
        ({"name": "Ana", "consent": True}, {"email": ["This field is required."]}),
        (
            {"email": "ana@example.com", "consent": "yes"},
            {"consent": ["Agree to the text above to send your details."]},
        ),
        (
            {"email": "ana@example.com", "consent": True, "phone": "1"},
            {"phone": ["This quiz does not ask for this."]},
        ),
    ]
    for data, errors in cases:
        assert post_lead(visitor, result_id, data) == (400, {"errors": errors})
    response = visitor.post(
        f"/api/results/{result_id}/lead/", "{nope", content_type="application/json"
    )
    assert response.status_code == 400
    assert Lead.objects.count() == 0


def test_a_required_field_must_be_sent(browser, lead_quiz):
    definition_set(lead_quiz, lead={**LEAD, "required": True})
    visitor = browser()
    result_id = complete(visitor)["id"]
    status, reply = post_lead(visitor, result_id, {"email": "ana@example.com", "consent": True})
    assert (status, reply) == (400, {"errors": {"name": ["This field is required."]}})


def test_only_the_owner_may_post_it(browser, lead_quiz):
    result_id = complete(browser())["id"]
    status, _reply = post_lead(browser(), result_id, {"email": "x@example.com", "consent": True})
    assert status == 403
    assert Lead.objects.count() == 0


def test_a_quiz_without_lead_form_refuses_it(browser, published_quiz):
    visitor = browser()
    body = complete(visitor)
    assert "locked" not in body
    status, _reply = post_lead(visitor, body["id"], {"email": "a@example.com", "consent": True})
    assert status == 400


def test_a_locked_result_is_withheld_until_the_lead_is_saved(browser, lead_quiz):
    definition_set(lead_quiz, lead={**LEAD, "required": True, "position": "before_result"})
    visitor = browser()
    body = complete(visitor)
    assert body["locked"] is True
    assert (body["outcome"], body["score"], body["values"], body["image"]) == (None, None, {}, None)
    post_lead(visitor, body["id"], {"email": "ana@example.com", "name": "Ana", "consent": True})
    again = visitor.get(f"/api/results/{body['id']}/").json()
    assert again["locked"] is False
    assert again["outcome"]["key"]


def test_a_lead_is_deleted_with_its_result(browser, lead_quiz):
    visitor = browser()
    body = complete(visitor)
    post_lead(visitor, body["id"], {"email": "ana@example.com", "consent": True})
    response = visitor.post(f"/r/{body['id']}/delete/")
    assert response.status_code in (302, 303, 200)
    assert Lead.objects.count() == 0


def test_a_lead_is_deleted_when_the_retention_ends(browser, lead_quiz):
    from integrations.services import leads_expire
    from integrations.tasks import expire_leads

    visitor = browser()
    body = complete(visitor)
    post_lead(visitor, body["id"], {"email": "ana@example.com", "consent": True})
    lead = Lead.objects.get()
    assert (lead.expires_at - lead.created_at).days <= lead_quiz.live_version.retention_days
    assert expire_leads() == 0  # the beat task: not yet
    assert leads_expire(now=lead.expires_at) == 1
    assert Lead.objects.count() == 0


def test_a_lead_goes_when_the_results_answers_are_purged(browser, lead_quiz):
    from quizzes.taking.retention import answers_purge

    visitor = browser()
    body = complete(visitor)
    post_lead(visitor, body["id"], {"email": "ana@example.com", "consent": True})
    assert answers_purge(now=Lead.objects.get().expires_at) == 1
    assert Lead.objects.count() == 0


def test_double_opt_in_mails_a_link_that_confirms(browser, lead_quiz):
    definition_set(lead_quiz, lead={**LEAD, "double_opt_in": True})
    visitor = browser()
    body = complete(visitor)
    post_lead(visitor, body["id"], {"email": "ana@example.com", "consent": True})
    post_lead(visitor, body["id"], {"email": "ana@example.com", "consent": True})
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ana@example.com"]
    link = next(w for w in mail.outbox[0].body.split() if "/leads/confirm/" in w)
    assert visitor.get(path_of(link)).status_code == 200
    assert Lead.objects.get().confirmed_at is not None
    assert visitor.get(path_of(link)).status_code == 404


def test_editors_export_and_erase_leads(browser, lead_quiz, editor):
    visitor = browser()
    body = complete(visitor)
    post_lead(visitor, body["id"], {"email": "ana@example.com", "name": "Ana", "consent": True})
    url = f"/editor/quizzes/{lead_quiz.slug}/integrations/leads.csv"
    assert browser().get(url).status_code == 302  # login first
    studio = client_for(editor)
    page = studio.get(f"/editor/quizzes/{lead_quiz.slug}/integrations/").content.decode()
    assert page.count("<tr data-lead>") == 1 and "ana@example.com" in page
    rows = list(csv.reader(io.StringIO(studio.get(url).content.decode())))
    assert rows[0] == ["created", "email", "name", "phone", "outcome", "confirmed", "consent"]
    assert rows[1][1:3] == ["ana@example.com", "Ana"] and rows[1][6] == LEAD["consent"]
    response = studio.post(
        f"/editor/quizzes/{lead_quiz.slug}/integrations/leads/delete/",
        {"email": "ANA@example.com"},
    )
    assert response.status_code == 302
    assert Lead.objects.count() == 0


def test_the_result_page_has_the_lead_form_without_javascript(browser, lead_quiz):
    visitor = browser()
    body = complete(visitor)
    page = visitor.get(path_of(body["result_url"])).content.decode()
    assert f'action="/r/{body["id"]}/lead/"' in page and LEAD["consent"] in page
    response = visitor.post(
        f"/r/{body['id']}/lead/", {"email": "ana@example.com", "consent": "yes"}
    )
    assert response.status_code == 302
    assert Lead.objects.get().email == "ana@example.com"
    after = visitor.get(path_of(body["result_url"])).content.decode()
    assert after.count("your details are saved") == 1  # the card, not a message as well


def test_a_refused_lead_form_comes_back_with_what_was_typed_and_the_errors_beside(
    browser, lead_quiz
):
    visitor = browser()
    body = complete(visitor)
    page = path_of(body["result_url"])

    response = visitor.post(f"/r/{body['id']}/lead/", {"email": "ana@", "name": "Ana <3"})

    assert response.status_code == 302 and response["Location"] == page + "#lead"
    assert Lead.objects.count() == 0
    html = visitor.get(page).content.decode()
    assert 'value="ana@"' in html and 'value="Ana &lt;3"' in html  # kept, escaped
    assert 'id="lead-email" ' in html and 'aria-invalid="true"' in html
    assert html.count('class="field-error"') == 2  # the address and the missing consent
    assert '<ul class="messages">' not in html  # beside the fields, not at the page's top
    # Another visitor's page never shows it (the cookie is this browser's, for this result).
    other = browser()
    other_body = complete(other)
    assert 'value="ana@"' not in other.get(path_of(other_body["result_url"])).content.decode()
    # Sent right, it is saved and the form gives way to the thank-you card.
    visitor.post(f"/r/{body['id']}/lead/", {"email": "ana@example.com", "consent": "yes"})
    after = visitor.get(page).content.decode()
    assert Lead.objects.get().email == "ana@example.com" and 'class="field-error"' not in after


def test_stats_count_leads(browser, lead_quiz):
    from sharing.stats.ranges import quiz_stats

    for _ in range(2):
        visitor = browser()
        post_lead(visitor, complete(visitor)["id"], {"email": "a@example.com", "consent": True})
    assert quiz_stats(lead_quiz)["leads"] == 2


def test_a_locked_result_page_shows_only_the_lead_form_until_it_is_sent(browser, lead_quiz):
    definition_set(lead_quiz, lead={**LEAD, "required": True, "position": "before_result"})
    visitor = browser()
    body = complete(visitor)
    title = lead_quiz.live_version.definition["outcomes"]
    page = visitor.get(path_of(body["result_url"])).content.decode()
    assert 'class="card lead-form"' in page
    assert not any(f">{o['title']}<" in page for o in title)
    assert "data-share-bar" not in page and "share-bar" not in page
    visitor.post(
        f"/r/{body['id']}/lead/", {"email": "ana@example.com", "name": "Ana", "consent": "yes"}
    )
    page = visitor.get(path_of(body["result_url"])).content.decode()
    assert "lead-form" not in page and "share-bar" in page
