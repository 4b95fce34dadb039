"""Share pages: clicks, previews, owners, minted address-bar links and attribution."""

from __future__ import annotations

import re
import threading
import urllib.request

import pytest
from django.conf import settings
from django.core import signing
from django.test import Client

from core.bots import is_preview_bot
from core.visitors import SALT as VISITOR_SALT
from quizzes.models import Result
from sharing.models import Click, Preview, Referral, Share, ShareKind
from tests.sharing.conftest import (
    BROWSER_UA,
    code_of,
    complete,
    own_code,
    path_of,
    share,
    take_ref,
)

# api.md's link-preview bots, as they announce themselves.
PREVIEW_AGENTS = [
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Facebot",
    "Twitterbot/1.0",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "TelegramBot (like TwitterBot)",
    "WhatsApp/2.23.20.0 A",
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
    "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) "
    "Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0",  # iMessage
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)",
    "Pinterest/0.2 (+https://www.pinterest.com/bot.html)",
    "Mozilla/5.0 (compatible; redditbot/1.0; +http://www.reddit.com/feedback)",
    "Mozilla/5.0 (Linux; Android 10) MicroMessenger/8.0.40",
    "SomeLinkPreviewBot/2.0",
    "my-crawler/1.0",
    "FancySpider",
]
REAL_BROWSERS = [
    BROWSER_UA,
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; V2055A) AppleWebKit/537.36 Chrome/116 Mobile Safari/537.36 "
    "XWEB/1160065 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/WIFI",
    "Mozilla/5.0 (Linux; Android 10; CUBOT X19) AppleWebKit/537.36 Chrome/120 Mobile Safari",
]


@pytest.fixture
def a_share(published_quiz, browser):
    owner = browser()
    result = complete(owner)
    url = share(owner, result["id"], "whatsapp")
    return owner, result, url


@pytest.mark.parametrize("agent", PREVIEW_AGENTS)
def test_each_preview_bot_counts_as_a_preview_and_gets_no_cookie(a_share, agent):
    _, _, url = a_share
    response = Client(HTTP_USER_AGENT=agent).get(path_of(url))
    assert response.status_code == 200
    assert response.cookies == {}
    assert "Set-Cookie" not in response.headers
    assert Preview.objects.count() == 1
    assert Click.objects.count() == 0
    assert Preview.objects.get().agent == agent[:100]


def test_a_request_without_user_agent_is_a_preview(a_share):
    _, _, url = a_share
    response = Client().get(path_of(url))
    assert response.status_code == 200
    assert response.cookies == {}
    assert (Preview.objects.count(), Click.objects.count()) == (1, 0)


@pytest.mark.parametrize("agent", REAL_BROWSERS)
def test_browsers_are_not_bots(agent):
    assert is_preview_bot(agent) is False


def test_a_browser_counts_once_however_often_it_reloads(a_share, browser):
    _, _, url = a_share
    friend = browser()
    for _ in range(3):
        response = friend.get(path_of(url))
        assert response.status_code == 200
    assert settings.VISITOR_COOKIE_NAME in friend.cookies
    assert Click.objects.count() == 1
    other = browser()
    other.get(path_of(url))
    assert Click.objects.count() == 2


def test_the_owner_counts_as_neither(a_share):
    owner, _, url = a_share
    response = owner.get(path_of(url))
    assert response.status_code == 200
    assert (Click.objects.count(), Preview.objects.count()) == (0, 0)
    html = response.content.decode()
    assert own_code(html) is None  # no minted link for the owner
    assert "Take the test again" in html
    assert Share.objects.filter(kind=ShareKind.MINTED).count() == 0


def test_the_page_has_open_graph_and_twitter_meta(a_share, browser):
    _, result, url = a_share
    html = browser().get(path_of(url)).content.decode()

    def meta(name):
        found = re.search(rf'<meta (?:property|name)="{name}" content="([^"]*)"', html)
        return found.group(1) if found else None

    title = f"My morning drink: {result['outcome']['title']}"  # the card headline
    assert meta("og:title") == meta("twitter:title") == title
    assert meta("og:description") == meta("twitter:description") == "Which morning drink are you?"
    assert meta("og:url") == url
    assert meta("og:image").startswith(("http://", "https://"))
    assert meta("og:image:width") == "1200"
    assert meta("og:image:height") == "630"
    assert meta("twitter:card") == "summary_large_image"
    assert result["outcome"]["title"] in html
    assert take_ref(html) == code_of(url)


def test_without_a_card_headline_the_meta_is_outcome_and_quiz_title_and_quiz_description(
    a_share, browser
):
    _, result, url = a_share
    Result.objects.filter(pk=result["id"]).update(card_text={"name": "Ana"})
    html = browser().get(path_of(url)).content.decode()

    def meta(name):
        found = re.search(rf'<meta (?:property|name)="{name}" content="([^"]*)"', html)
        return found.group(1) if found else None

    title = f"{result['outcome']['title']} · Which morning drink are you?"
    described = "Four questions to find the drink that matches your mornings."
    assert meta("og:title") == meta("twitter:title") == title
    assert meta("og:description") == meta("twitter:description") == meta("description")
    assert meta("description") == described
    assert "Ana, you" not in meta("og:description")  # never the personal description


def test_an_unknown_code_is_a_friendly_404_with_the_quiz_list(published_quiz, browser):
    response = browser().get("/s/nope-nope-nope/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "find that link" in html
    assert 'href="/q/which-morning-drink/"' in html
    assert browser().get("/s/" + "x" * 40 + "/").status_code == 404


def test_a_deleted_results_links_stop_working(a_share, browser):
    _, result, url = a_share
    Result.objects.filter(pk=result["id"]).update(deleted_at="2025-01-01T00:00:00Z")
    response = browser().get(path_of(url))
    assert response.status_code == 410
    assert 'href="/q/which-morning-drink/"' in response.content.decode()
    assert Click.objects.count() == 0
    # ...and a completion carrying its code is not referred.
    late = complete(browser(), ref=code_of(url))
    assert Referral.objects.filter(result_id=late["id"]).first() is None


def test_a_friend_gets_a_minted_link_for_the_address_bar(a_share, browser):
    _, _, url = a_share
    friend = browser()
    html = friend.get(path_of(url)).content.decode()
    minted = own_code(html)
    assert minted and minted != code_of(url)
    row = Share.objects.get(code=minted)
    assert (row.kind, row.parent.code, row.result_id) == (ShareKind.MINTED, code_of(url), None)
    # The same friend again: the same minted link, still one click.
    assert own_code(friend.get(path_of(url)).content.decode()) == minted
    assert Share.objects.filter(kind=ShareKind.MINTED).count() == 1
    assert Click.objects.count() == 1
    assert 'src="/static/js/share.js"' in html


def test_a_friend_reopening_their_minted_link_is_neither_and_keeps_the_referrer(a_share, browser):
    _, _owner_result, url = a_share
    friend = browser()
    minted = own_code(friend.get(path_of(url)).content.decode())
    html = friend.get(f"/s/{minted}/").content.decode()
    assert Click.objects.count() == 1
    assert take_ref(html) == code_of(url)
    # Even posting their own minted code, the completion is referred by the link above it.
    result = complete(friend, ref=minted)
    row = Result.objects.get(pk=result["id"])
    assert (row.referral.share.code, row.referral.depth) == (code_of(url), 1)


def test_a_link_copied_from_a_friends_address_bar_is_attributed_to_the_friend(a_share, browser):
    _, _, url = a_share
    b = browser()
    minted = own_code(b.get(path_of(url)).content.decode())

    # E opens B's address-bar link before B completed: a click on B's link, depth via A.
    e = browser()
    page = e.get(f"/s/{minted}/").content.decode()
    assert take_ref(page) == minted
    re_ = complete(e, ref=minted)
    assert Click.objects.filter(share__code=minted).count() == 1
    row = Result.objects.get(pk=re_["id"])
    assert (row.referral.share.code, row.referral.depth) == (minted, 1)

    # B completes: B's address-bar link now speaks for B's result.
    rb = complete(b, ref=code_of(url))
    assert Share.objects.get(code=minted).result_id == rb["id"]
    f = browser()
    f.get(f"/s/{minted}/")
    rf = complete(f, ref=minted)
    row = Result.objects.get(pk=rf["id"])
    assert (row.referral.share.code, row.referral.depth) == (minted, 2)
    # B opening B's own address-bar link now counts as nothing.
    clicks = Click.objects.count()
    b.get(f"/s/{minted}/")
    assert Click.objects.count() == clicks


def test_the_take_button_code_survives_in_a_cookie(a_share, browser):
    _, _, url = a_share
    friend = browser()
    response = friend.get(path_of(url))
    assert "qb_ref" in response.cookies
    # The friend's completion carries no ref (lost on the way): the cookie still refers it.
    result = complete(friend)
    assert Result.objects.get(pk=result["id"]).referral.share.code == code_of(url)


def test_a_reload_keeps_the_ref_cookie_set_within_the_hour_and_renews_an_older_one(
    a_share, browser, monkeypatch
):
    """A friend reloading the same share page gets no new `qb_ref` (a signature less per
    page) unless theirs was set an hour ago or more (core.cookies.REFRESH_AFTER); another
    share of the same quiz replaces it at once."""
    import time

    from core import cookies

    owner, result, url = a_share
    friend = browser()
    assert "qb_ref" in friend.get(path_of(url)).cookies
    assert "qb_ref" not in friend.get(path_of(url)).cookies  # the same link, just set
    later = time.time() + cookies.REFRESH_AFTER + 1
    monkeypatch.setattr(cookies, "time", type("Clock", (), {"time": staticmethod(lambda: later)}))
    renewed = friend.get(path_of(url)).cookies
    assert "qb_ref" in renewed and renewed["qb_ref"]["max-age"] == cookies.MAX_AGE
    monkeypatch.undo()

    other = share(owner, result["id"], "telegram")
    assert "qb_ref" in friend.get(path_of(other)).cookies  # another link: set at once
    body = complete(friend)
    assert Result.objects.get(pk=body["id"]).referral.share.code == code_of(other)


def test_self_referrals_and_unknown_codes_do_not_count(a_share, browser):
    owner, _, url = a_share
    again = complete(owner, ref=code_of(url))
    stranger = complete(browser(), ref="not-a-code")
    weird = complete(browser(), ref="x" * 500)
    for body in (again, stranger, weird):
        row = Result.objects.get(pk=body["id"])
        assert Referral.objects.filter(result=row).first() is None  # no share, depth 0


def _signed_visitor(visitor: str) -> str:
    name = settings.VISITOR_COOKIE_NAME
    return signing.get_cookie_signer(salt=name + VISITOR_SALT).sign(visitor)


def _concurrent_clicks(live_server, path: str, n: int = 50) -> list[int]:
    cookie = f"{settings.VISITOR_COOKIE_NAME}={_signed_visitor('concurrent-friend-0001')}"
    barrier = threading.Barrier(n)
    statuses: list[int] = []

    def hit():
        request = urllib.request.Request(
            live_server.url + path, headers={"User-Agent": BROWSER_UA, "Cookie": cookie}
        )
        barrier.wait()
        with urllib.request.urlopen(request, timeout=60) as response:
            statuses.append(response.status)

    threads = [threading.Thread(target=hit) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_identical_clicks_count_once(publish, live_server, browser):
    publish("which-morning-drink")
    owner = browser()
    result = complete(owner)
    url = share(owner, result["id"], "telegram")
    statuses = _concurrent_clicks(live_server, path_of(url))
    assert statuses == [200] * 50
    assert Click.objects.filter(share__code=code_of(url)).count() == 1
    assert Share.objects.filter(kind=ShareKind.MINTED, owner="concurrent-friend-0001").count() == 1


def test_a_share_page_costs_a_few_queries(a_share, browser, django_assert_max_num_queries):
    _, _, url = a_share
    friend = browser()
    # Lookup, click insert, minted lookup, own-result lookup, minted insert (in a savepoint),
    # and (first time only, then cached) the quiz's home page (integrations' landing_redirect).
    with django_assert_max_num_queries(9):
        assert friend.get(path_of(url)).status_code == 200
    with django_assert_max_num_queries(4):
        assert friend.get(path_of(url)).status_code == 200
