"""Embeds: the framable page and its headers, embed.js, the share link landing on the quiz's
home page, oEmbed, the cookie inside an iframe, and the studio's integrations page."""

from __future__ import annotations

from integrations.models import EmbedSettings
from tests.integrations.conftest import code_of, complete, path_of, share
from tests.quizzes.helpers import client_for
from tests.sharing.conftest import BOT_UA

HOME = "https://drinks.example.com/quiz?lang=en"


def test_the_embed_page_may_be_framed_by_https_pages(browser, published_quiz):
    response = browser().get("/q/which-morning-drink/embed/")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert "frame-ancestors https:" in response["Content-Security-Policy"]
    assert "embed-app.js" in response.content.decode()
    # Every other page keeps refusing frames.
    other = browser().get("/q/which-morning-drink/")
    assert other["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in other["Content-Security-Policy"]


def test_allowed_origins_narrow_frame_ancestors(browser, published_quiz):
    EmbedSettings.objects.create(
        quiz=published_quiz, allowed_origins="https://drinks.example.com\nhttps://b.example"
    )
    response = browser().get("/q/which-morning-drink/embed/?origin=https://evil.example.com")
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors https://drinks.example.com https://b.example" in csp
    assert 'data-host=""' in response.content.decode()  # no messages to a page not allowed
    allowed = browser().get("/q/which-morning-drink/embed/?origin=https://b.example")
    assert 'data-host="https://b.example"' in allowed.content.decode()


def test_an_unknown_quiz_has_no_embed(browser, db):
    assert browser().get("/q/nope/embed/").status_code == 404


def test_embed_js_is_served_as_a_script(browser, db):
    response = browser().get("/embed.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert b"data-quiz" in response.content and b"postMessage" not in response.content[:0]


def test_a_friend_lands_on_the_home_page_and_bots_get_the_tags(browser, published_quiz):
    EmbedSettings.objects.create(quiz=published_quiz, embed_url=HOME)
    sharer = browser()
    body = complete(sharer)
    link = share(sharer, body["id"], "whatsapp")
    code = code_of(link)
    friend = browser()
    response = friend.get(path_of(link))
    assert response.status_code == 302
    assert response["Location"] == f"https://drinks.example.com/quiz?lang=en&qb={code}"
    bot = browser(BOT_UA).get(path_of(link))
    assert bot.status_code == 200 and 'property="og:image"' in bot.content.decode()
    from sharing.stats.ranges import quiz_stats

    stats = quiz_stats(published_quiz)
    assert (stats["clicks"], stats["previews"]) == (1, 1)
    # The iframe on the home page shows the friend's landing and carries the code.
    html = friend.get(f"/q/which-morning-drink/embed/?qb={code}").content.decode()
    assert body["outcome"]["title"] in html and f'data-ref="{code}"' in html
    second = complete(friend, ref=code)
    assert quiz_stats(published_quiz)["referred_completions"] == 1
    assert second["id"] != body["id"]


def test_a_code_of_another_quiz_shows_no_landing(browser, published_quiz, publish):
    html = browser().get("/q/which-morning-drink/embed/?qb=unknowncode").content.decode()
    assert 'data-ref=""' in html and 'data-screen="friend"' not in html


def test_oembed(browser, published_quiz):
    response = browser().get(
        "/oembed/", {"url": "http://testserver/q/which-morning-drink/", "format": "json"}
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "version", "type", "title", "provider_name", "provider_url", "html", "width",
        "height", "thumbnail_url", "thumbnail_width", "thumbnail_height",
    }  # fmt: skip
    assert (body["version"], body["type"]) == ("1.0", "rich")
    assert 'src="http://testserver/q/which-morning-drink/embed/"' in body["html"]
    small = (
        browser()
        .get("/oembed/", {"url": "http://testserver/q/which-morning-drink/", "maxwidth": "300"})
        .json()
    )
    assert small["width"] == 300 and 'width="300"' in small["html"]


def test_oembed_errors(browser, published_quiz):
    def status(**params):
        response = browser().get("/oembed/", params)
        assert response.json()["errors"]
        return response.status_code

    assert status(url="https://elsewhere.example.com/q/which-morning-drink/") == 400
    assert status(url="http://testserver/privacy/") == 400
    assert status(url="not a url") == 400
    assert status(url="http://testserver/q/nope/") == 404
    assert status(url="http://testserver/q/which-morning-drink/", format="xml") == 501


def test_the_quiz_cookie_is_partitioned_over_https(browser, published_quiz):
    response = browser().get("/q/which-morning-drink/embed/", secure=True)
    header = response.cookies["qb_visitor"].output() if "qb_visitor" in response.cookies else ""
    from django.conf import settings

    header = response.cookies[settings.VISITOR_COOKIE_NAME].output()
    assert "SameSite=None; Partitioned" in header and "Secure" in header
    plain = browser().get("/q/which-morning-drink/embed/")
    assert "SameSite=Lax" in plain.cookies[settings.VISITOR_COOKIE_NAME].output()


def test_the_studio_page_saves_the_embed_settings(browser, published_quiz, editor, author):
    url = f"/editor/quizzes/{published_quiz.slug}/integrations/"
    assert browser().get(url).status_code == 302
    assert client_for(author).get(url).status_code == 404  # not theirs
    studio = client_for(editor)
    page = studio.get(url).content.decode()
    assert "data-quiz=&quot;which-morning-drink&quot;" in page and "/embed.js" in page
    bad = studio.post(
        url, {"embed_url": "http://drinks.example.com/", "allowed_origins": "ftp://x"}
    )
    assert bad.status_code == 400
    assert "Enter an https:// address." in bad.content.decode()
    ok = studio.post(url, {"embed_url": HOME, "allowed_origins": "https://drinks.example.com/"})
    assert ok.status_code == 302
    row = EmbedSettings.objects.get()
    assert (row.embed_url, row.origins) == (HOME, ["https://drinks.example.com"])


def test_the_quiz_page_announces_oembed_and_the_editor_page_links_here(
    browser, published_quiz, editor
):
    html = browser().get("/q/which-morning-drink/").content.decode()
    assert (
        '<link rel="alternate" type="application/json+oembed" href="http://testserver/oembed/'
        '?url=http%3A%2F%2Ftestserver%2Fq%2Fwhich-morning-drink%2F&amp;format=json">'
    ) in html
    page = client_for(editor).get("/editor/quizzes/which-morning-drink/").content.decode()
    assert 'href="/editor/quizzes/which-morning-drink/integrations/">On your site</a>' in page


def test_the_complete_message_may_tell_only_the_quiz_s_own_values(browser, publish):
    """The embed page names the values its `complete` message carries (embed-app.js leaves
    any other out): a calculator's worked-out values, never an answer (the visitor's name)."""
    import json
    import re

    publish("weight-in-10-years")
    visitor = browser()
    page = visitor.get("/q/weight-in-10-years/embed/").content.decode()
    told = re.search(r'<script id="qb-complete-values" [^>]*>(.*?)</script>', page)
    assert told is not None
    assert json.loads(told.group(1)) == ["age_drift", "weight_10y", "change"]

    answers = {"name": "Ann", "weight": 70, "age": 30, "exercise": "weekly", "sleep": "ok"}
    response = visitor.post(
        "/api/quizzes/weight-in-10-years/responses/",
        json.dumps({"answers": answers}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    values = response.json()["values"]
    assert set(values) == {"age_drift", "weight_10y", "change"}  # nothing told is left out
    assert not set(values) & set(answers)


def test_a_quiz_without_worked_out_values_tells_none(browser, published_quiz):
    page = browser().get("/q/which-morning-drink/embed/").content.decode()
    assert '<script id="qb-complete-values" type="application/json">[]</script>' in page


def test_friends_land_on_the_home_page_after_the_bots_fetched_the_link_first(
    browser, published_quiz
):
    # The bots' pages are kept for the next visits (sharing/pages.py): not for browsers
    # of a quiz with a home page, who are sent there every time.
    EmbedSettings.objects.create(quiz=published_quiz, embed_url=HOME)
    sharer = browser()
    link = share(sharer, complete(sharer)["id"], "whatsapp")
    for _ in range(2):
        assert browser(BOT_UA).get(path_of(link)).status_code == 200
    for _ in range(2):
        assert browser().get(path_of(link)).status_code == 302
