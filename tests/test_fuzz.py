"""Hypothesis fuzz of every JSON endpoint and visitor page (issue 9, "Done when"): hostile
strings, numbers, nesting, bodies, query strings and headers never get a 500.

Hostile values: lone surrogates, NUL and control characters, 309-digit and longer integers,
NaN/Infinity/1e308/-0.0, nesting 1000 levels deep, 100 KB values, wrong types, garbage in
Host, X-Forwarded-For (behind a trusted proxy), Accept-Language, Cookie and User-Agent.
Every request goes through `send`, which counts it and asserts a status below 500 (and a JSON
body for everything under /api/, as api.md promises); the last test asserts the suite made at least
MIN_REQUESTS of them. Deterministic (derandomize) so CI sees the same requests every run.

Run it on PostgreSQL too: NUL bytes and surrogates fail there and not in SQLite.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import traceback
from collections import Counter
from typing import Any
from urllib.parse import quote_from_bytes, unquote, urlsplit

import pytest
from django.conf import settings as django_settings
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tests.conftest import demo_data
from tests.quizzes.takehelp import TAKES

pytestmark = pytest.mark.django_db

MIN_REQUESTS = 5000
SENT = {"requests": 0}
STATUSES: Counter[int] = Counter()
FUZZ_TESTS: set[str] = set()


def fuzz(examples: int) -> Any:
    return hsettings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
    )


# --- hostile values ------------------------------------------------------------------------


class Raw(str):
    """JSON text put into a body as it is: numbers and nesting json.dumps cannot write."""


def dump(value: Any, *, ascii_only: bool = True) -> str:
    """JSON text of `value`, Raw parts verbatim. json.dumps writes NaN, Infinity and a lone
    surrogate as an escape (ascii_only) or as itself (which is then not valid UTF-8)."""
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, dict):
        items = (f"{json.dumps(k, ensure_ascii=ascii_only)}:{dump(v)}" for k, v in value.items())
        return "{" + ",".join(items) + "}"
    if isinstance(value, list):
        return "[" + ",".join(dump(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=ascii_only)


LONG = 100_000
RAW_NUMBERS = [
    Raw("9" * 309),
    Raw("-" + "9" * 309),
    Raw("9" * 5000),  # past Python's 4300-digit int parsing limit
    Raw("1e308"),
    Raw("-1e308"),
    Raw("1e309"),
    Raw("-1E400"),
    Raw("4.9e-324"),
    Raw("1e-400"),
    Raw("-0.0"),
    Raw("-0"),
    Raw("NaN"),
    Raw("Infinity"),
    Raw("-Infinity"),
    Raw("9223372036854775808"),
    Raw("-9223372036854775809"),
    Raw("0." + "0" * 400 + "1"),
]
DEEP = [
    Raw("[" * 1000 + "]" * 1000),
    Raw('{"a":' * 1000 + "1" + "}" * 1000),
    Raw("[" * 500 + '"x"' + "]" * 500),
    Raw("[" * 20000 + "]" * 20000),
    Raw('{"a":' * 300 + "[]" + "}" * 300),
]
SPECIAL_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\ud800",
    "\udfff",
    "x\ud83d",
    "\ud83d\ude00",
    "\u202e\u200b\ufeff\uffff",
    "\r\n\t\x0b\x0c\x1b[31m",
    "\x7f\x85\xa0",
    "<script>alert(1)</script>",
    "{{ name }}{% debug %}",
    "'; DROP TABLE quizzes_result; --",
    "../../../../etc/passwd",
    "%s%n%x",
    "null",
    "-1",
    "1e309",
    "9" * 309,
    "x" * LONG,
    "\x00" * LONG,
    "界" * (LONG // 3),
]
SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
CONTROLS = st.characters(max_codepoint=0x1F) | st.sampled_from("\x7f\x85\u2028\u2029\ufffe")
text = st.one_of(
    st.sampled_from(SPECIAL_TEXT),
    st.lists(st.characters() | SURROGATES | CONTROLS, max_size=24).map("".join),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),  # NaN, ±Infinity, 1.7e308, -0.0, subnormals
    text,
    st.sampled_from(RAW_NUMBERS),
    st.sampled_from(DEEP),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=8,
)


def often(usual: st.SearchStrategy[Any], rare: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """`usual` four times in five, else `rare`."""
    return st.integers(0, 4).flatmap(lambda n: rare if n == 0 else usual)


def answer_for(question: dict[str, Any]) -> st.SearchStrategy[Any]:
    """An answer of the right type (with hostile content) or anything at all."""
    keys = [c["key"] for c in question.get("choices") or []] or ["x"]
    right: st.SearchStrategy[Any] = {
        "single": st.sampled_from(keys) | text,
        "multi": st.lists(st.sampled_from(keys) | text, max_size=5),
        "number": st.integers(-(10**12), 10**12)
        | st.floats()
        | st.sampled_from(RAW_NUMBERS)
        | text,
        "text": text,
    }.get(question["type"], text)
    return right | values


def answers_for(slug: str) -> st.SearchStrategy[Any]:
    """Mostly a good take with one answer made hostile (so the rest of the body reaches
    scoring, referral and storage), sometimes anything at all."""
    questions = demo_data(slug)["questions"]
    good = TAKES[slug]["answers"]
    one_bad = st.sampled_from(questions).flatmap(
        lambda q: answer_for(q).map(lambda v: {**good, q["key"]: v})
    )
    many_bad = st.fixed_dictionaries({}, optional={q["key"]: answer_for(q) for q in questions})
    extra = st.dictionaries(text, values, min_size=1, max_size=2).map(lambda e: {**e, **good})
    return st.one_of(st.just(good), one_bad, many_bad, extra, values)


SLUGS = ["which-morning-drink", "weight-in-10-years", "how-stressed-are-you"]


# Built once per quiz: a strategy made again for each example costs more than its draws
# (the draws are the same either way).
@functools.cache
def body_for(slug: str) -> st.SearchStrategy[Any]:
    envelope = st.fixed_dictionaries(
        {"answers": answers_for(slug)},
        optional={"ref": text | values, "take": text | values},
    )
    return envelope | values


def octets(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Text as a WSGI server hands it over: its UTF-8 bytes (surrogates kept) as latin-1."""
    return strategy.map(lambda s: s.encode("utf-8", "surrogatepass").decode("latin-1"))


def percent(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Text percent-encoded into a URL: any byte, invalid UTF-8 included."""
    return strategy.map(lambda s: quote_from_bytes(s.encode("utf-8", "surrogatepass"), safe=""))


header_text = octets(text) | st.binary(max_size=40).map(lambda b: b.decode("latin-1"))
GOOD_HOSTS = ["testserver", "127.0.0.1", "localhost"]
COOKIE_NAMES = ["qb_visitor", "qb_ref", "csrftoken", "sessionid", "django_language"]
cookie = st.lists(
    st.tuples(st.sampled_from(COOKIE_NAMES) | header_text, header_text), max_size=4
).map(lambda pairs: "; ".join(f"{k}={v}" for k, v in pairs))
USER_AGENTS = [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0) Mobile Safari",
    "facebookexternalhit/1.1",
    "WhatsApp/2.23.20.0 A",
    "",
]
headers = st.fixed_dictionaries(
    {},
    optional={
        "HTTP_HOST": st.sampled_from(GOOD_HOSTS) | header_text,
        "HTTP_X_FORWARDED_FOR": header_text
        | st.lists(st.ip_addresses().map(str) | header_text, max_size=4).map(", ".join),
        "HTTP_ACCEPT_LANGUAGE": header_text
        | st.sampled_from(["zh-Hans", "zh-hans;q=x", "*;q=NaN", "en;q=1e309," * 500]),
        "HTTP_COOKIE": cookie,
        "HTTP_USER_AGENT": st.sampled_from(USER_AGENTS) | header_text,
        "HTTP_ORIGIN": st.just("http://testserver") | header_text,
        "HTTP_AUTHORIZATION": header_text | st.just("Bearer " + "x" * LONG),
        "HTTP_REFERER": header_text,
        "CONTENT_LENGTH": st.sampled_from(["-1", "9" * 309, "abc", ""]),
    },
)
query = st.lists(st.tuples(percent(text), percent(text)), max_size=3).map(
    lambda pairs: "&".join(f"{k}={v}" for k, v in pairs)
)


def with_query(path: str, q: str) -> str:
    return f"{path}?{q}" if q else path


# --- sending -------------------------------------------------------------------------------


def send(
    client: Client,
    method: str,
    path: str,
    body: str | bytes = b"",
    *,
    content_type: str = "application/json",
    expect_json: bool | None = None,
    **extra: str,
) -> Any:
    """Send one request; it must get a status below 500 and, for a known API address on a
    good host, a JSON body."""
    SENT["requests"] += 1
    if isinstance(body, str):
        body = body.encode("utf-8", "surrogatepass")
    response = client.generic(method, path, body, content_type=content_type, **extra)
    STATUSES[response.status_code] += 1
    if response.status_code >= 500:
        trace = "".join(traceback.format_exception(*response.exc_info)) if response.exc_info else ""
        shown = {k: v[:200] for k, v in extra.items()}
        raise AssertionError(
            f"{response.status_code} for {method} {path[:300]!r} {body[:300]!r} {shown}\n{trace}"
        )
    if expect_json is None:
        expect_json = api_address(path)
    if expect_json and method != "HEAD":
        assert response["Content-Type"] == "application/json", (path, response.content[:300])
        json.loads(response.content)
    return response


def api_address(path: str) -> bool:
    """Everything under /api/ answers JSON (api.md), errors, unknown paths and bad hosts too."""
    route = unquote(urlsplit(path).path)
    return route == "/api" or route.startswith("/api/")


def client(*, csrf: bool = False) -> Client:
    # csrf: as a browser meets the site, CSRF checks on (the test client skips them by default).
    return Client(raise_request_exception=False, enforce_csrf_checks=csrf)


@pytest.fixture(autouse=True)
def _fuzz_setup(request, settings):
    # As deployed: no debug pages, behind one trusted proxy so X-Forwarded-For is parsed.
    settings.DEBUG = False
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXIES = ["127.0.0.1/32"]
    FUZZ_TESTS.add(request.node.originalname)
    # Thousands of expected 4xx (and bad-Host) log records cost a third of the run; a 500
    # still fails the test with its traceback (send), so nothing is hidden.
    quiet = [logging.getLogger(name) for name in ("django.request", "django.security")]
    levels = [logger.level for logger in quiet]
    for logger in quiet:
        logger.setLevel(logging.CRITICAL)
    yield
    for logger, level in zip(quiet, levels, strict=True):
        logger.setLevel(level)


@pytest.fixture
def quizzes(publish):
    for slug in SLUGS:
        publish(slug)
    return SLUGS


def result_of(slug: str) -> dict[str, Any]:
    """A result of `slug` and, under "owner", the Cookie header of the visitor who owns it."""
    owner = client()
    answers = TAKES[slug]["answers"]
    response = send(owner, "POST", f"/api/quizzes/{slug}/responses/", dump({"answers": answers}))
    assert response.status_code == 201
    cookie = owner.cookies[django_settings.VISITOR_COOKIE_NAME].value
    return {**response.json(), "owner": f"{django_settings.VISITOR_COOKIE_NAME}={cookie}"}


@pytest.fixture
def results(quizzes) -> list[dict[str, Any]]:
    return [result_of(slug) for slug in quizzes]


# --- the JSON API ---------------------------------------------------------------------------


@fuzz(600)
@given(
    slug=st.sampled_from(SLUGS),
    data=st.data(),
    ascii_only=st.booleans(),
    extra=headers,
)
def test_responses_post_never_fails(quizzes, slug, data, ascii_only, extra):
    body = dump(data.draw(body_for(slug)), ascii_only=ascii_only)
    extra.pop("CONTENT_LENGTH", None)
    send(client(), "POST", f"/api/quizzes/{slug}/responses/", body, **extra)


@fuzz(250)
@given(
    raw=st.binary(max_size=200)
    | st.sampled_from(DEEP).map(str.encode)
    | st.sampled_from(RAW_NUMBERS).map(str.encode)
    | st.just(b"x" * LONG),
    content_type=st.sampled_from(
        ["application/json", "text/plain", "application/json; charset=latin-1", "", "x/\x00"]
    ),
    extra=headers,
    path=st.sampled_from(
        [
            "/api/quizzes/which-morning-drink/responses/",
            "/api/quizzes/which-morning-drink/answers/",
        ]
    ),
)
def test_raw_bodies_never_fail(quizzes, raw, content_type, extra, path):
    send(client(), "POST", path, raw, content_type=content_type, **extra)


@fuzz(400)
@given(
    slug=st.sampled_from(SLUGS),
    body=st.fixed_dictionaries({}, optional={"take": text | values, "question": text | values})
    | values,
    take_ok=st.booleans(),
    extra=headers,
)
def test_answer_events_never_fail(quizzes, slug, body, take_ok, extra):
    if take_ok and isinstance(body, dict):
        body["take"] = "T" * 22
    extra.pop("CONTENT_LENGTH", None)
    send(client(), "POST", f"/api/quizzes/{slug}/answers/", dump(body), **extra)


@fuzz(300)
@given(
    slug=st.sampled_from(SLUGS) | percent(text),
    what=st.sampled_from(["", "responses/", "answers/", "stats/"]),
    method=st.sampled_from(["GET", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS", "POST"]),
    q=query,
    extra=headers,
)
def test_quiz_api_addresses_never_fail(quizzes, slug, what, method, q, extra):
    send(client(), method, with_query(f"/api/quizzes/{slug}/{what}", q), b"{}", **extra)


@fuzz(120)
@given(q=query, extra=headers)
def test_quiz_list_never_fails(quizzes, q, extra):
    send(client(), "GET", with_query("/api/quizzes/", q), **extra)


@fuzz(400)
@given(
    which=st.integers(0, len(SLUGS) - 1),
    real=st.booleans(),
    result_id=percent(text),
    shares=st.booleans(),
    body=st.fixed_dictionaries({"channel": st.sampled_from(["link", "x", "qr"]) | text | values})
    | values,
    extra=headers,
)
def test_result_and_share_api_never_fail(results, which, real, result_id, shares, body, extra):
    if real:
        result_id = results[which]["id"]
    if shares:
        extra.pop("CONTENT_LENGTH", None)
        send(client(), "POST", f"/api/results/{result_id}/shares/", dump(body), **extra)
    else:
        send(client(), "GET", f"/api/results/{result_id}/", **extra)


DATES = (
    st.sampled_from(
        ["2026-01-01", "9999-12-31", "0000-01-01", "0001-01-01", "2026-02-30", "2026-13-01", "-1"]
    )
    | st.dates().map(str)
    | text
)


@pytest.fixture
def token(editor, quizzes) -> str:
    from accounts.tokens import token_create

    return token_create(user=editor, name="fuzz")[1]


@fuzz(300)
@given(
    slug=st.sampled_from(SLUGS),
    dates=st.fixed_dictionaries({}, optional={"from": DATES, "to": DATES}),
    good_token=st.booleans(),
    extra=headers,
)
def test_stats_api_never_fails(token, slug, dates, good_token, extra):
    if good_token:
        extra["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    q = "&".join(
        f"{k}={quote_from_bytes(v.encode('utf-8', 'surrogatepass'))}" for k, v in dates.items()
    )
    send(client(), "GET", with_query(f"/api/quizzes/{slug}/stats/", q), **extra)


# --- visitor pages ------------------------------------------------------------------------


PAGES = [
    "/",
    "/privacy/",
    "/healthz",
    "/favicon.ico",
    "/q/which-morning-drink/",
    "/accounts/login/",
]


@fuzz(450)
@given(
    page=st.sampled_from(PAGES) | percent(text).map(lambda s: f"/q/{s}/"),
    q=query,
    ref=percent(text),
    method=often(st.just("GET"), st.sampled_from(["HEAD", "POST", "PUT", "DELETE", "OPTIONS"])),
    extra=headers,
)
def test_visitor_pages_never_fail(quizzes, page, q, ref, method, extra):
    if page.startswith("/q/") and not q:
        q = f"ref={ref}"
    if method != "GET":
        extra.pop("CONTENT_LENGTH", None)
    send(client(), method, with_query(page, q), expect_json=False, **extra)


STATE = re.compile(r'name="state" value="([^"]+)"')


def form(fields: list[tuple[str, str]]) -> str:
    return "&".join(
        f"{quote_from_bytes(k.encode('utf-8', 'surrogatepass'))}="
        f"{quote_from_bytes(v.encode('utf-8', 'surrogatepass'))}"
        for k, v in fields
    )


FORM_VALUES = text | st.sampled_from(["up", "project", "techno", "70", "30", "never", "soda"])
FORM_NAMES = st.sampled_from(["answer", "action", "state", "csrfmiddlewaretoken"]) | text
odd_fields = st.lists(
    st.tuples(FORM_NAMES, FORM_VALUES) | st.tuples(st.just("action"), st.just("back")),
    max_size=3,
)


@functools.cache
def take_moves(slug: str) -> st.SearchStrategy[list[list[tuple[str, str]]]]:
    """One form POST per question: mostly its good answer, sometimes a hostile one, with
    odd fields now and then, so that some takes reach the end and are submitted."""
    moves = []
    for question in demo_data(slug)["questions"]:
        good = TAKES[slug]["answers"].get(question["key"])
        good_list = good if isinstance(good, list) else [] if good is None else [good]
        good_fields = [("answer", str(v)) for v in good_list]
        bad_fields = st.lists(st.tuples(st.just("answer"), FORM_VALUES), min_size=1, max_size=3)
        answer = often(st.just(good_fields), bad_fields)
        moves.append(st.builds(lambda a, o: a + o, answer, often(st.just([]), odd_fields)))
    return st.tuples(*moves).map(list)


@fuzz(350)
@given(
    slug=st.sampled_from(SLUGS),
    ref=percent(text),
    data=st.data(),
    keep_state=often(st.just(True), st.just(False)),
    extra=headers,
)
def test_take_flow_never_fails(quizzes, slug, ref, data, keep_state, extra):
    browser = client()
    extra.pop("CONTENT_LENGTH", None)
    page = send(browser, "GET", f"/q/{slug}/take/?ref={ref}", expect_json=False, **extra)
    for fields in data.draw(take_moves(slug)):
        found = STATE.search(page.content.decode())
        if page.status_code != 200:
            break
        if keep_state and found:
            fields = [("state", found.group(1)), *fields]
        page = send(
            browser,
            "POST",
            f"/q/{slug}/take/",
            form(fields),
            content_type="application/x-www-form-urlencoded",
            expect_json=False,
            **extra,
        )


@fuzz(300)
@given(
    which=st.integers(0, len(SLUGS) - 1),
    real=st.booleans(),
    owner=st.booleans(),
    csrf=st.booleans(),
    result_id=percent(text),
    action=st.sampled_from(["", "", "", "delete/"]),
    q=query,
    extra=headers,
)
def test_result_pages_never_fail(results, which, real, owner, csrf, result_id, action, q, extra):
    if real:
        result_id = results[which]["id"]
    if owner:
        extra["HTTP_COOKIE"] = results[which]["owner"]
    method = "POST" if action else "GET"
    path = with_query(f"/r/{result_id}/{action}", q)
    send(client(csrf=csrf), method, path, expect_json=False, **extra)


@fuzz(350)
@given(
    which=st.integers(0, len(SLUGS) - 1),
    real=st.booleans(),
    code=percent(text),
    qr=st.booleans(),
    extra=headers,
)
def test_share_pages_never_fail(results, which, real, code, qr, extra):
    if real:
        code = results[which]["share_url"].rstrip("/").rsplit("/", 1)[-1]
    send(client(), "GET", f"/s/{code}/{'qr.svg' if qr else ''}", expect_json=False, **extra)


FORM_TYPES = st.sampled_from(
    [
        "application/x-www-form-urlencoded",
        "application/x-www-form-urlencoded; charset=utf-16",
        "application/x-www-form-urlencoded; charset=no-such-charset",
        "multipart/form-data; boundary=x",
        "multipart/form-data",
        "text/plain",
        "application/json",
    ]
)


@fuzz(250)
@given(
    fields=st.lists(
        st.tuples(st.sampled_from(["language", "next"]) | text, FORM_VALUES | st.just("zh-hans")),
        max_size=3,
    ),
    content_type=FORM_TYPES,
    csrf=st.booleans(),
    extra=headers,
)
def test_language_switch_never_fails(fields, content_type, csrf, extra):
    extra.pop("CONTENT_LENGTH", None)
    send(
        client(csrf=csrf),
        "POST",
        "/i18n/setlang/",
        form(fields),
        content_type=content_type,
        expect_json=False,
        **extra,
    )


ACCOUNT_FIELDS = ["login", "password", "remember", "next", "email", "password1", "password2"]


@fuzz(200)
@given(
    page=st.sampled_from(["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]),
    fields=st.lists(
        st.tuples(
            st.sampled_from(ACCOUNT_FIELDS) | text, FORM_VALUES | st.just("erin@example.com")
        ),
        max_size=4,
    ),
    content_type=FORM_TYPES,
    extra=headers,
)
def test_account_forms_never_fail(editor, page, fields, content_type, extra):
    # Not visitor pages, but open to anyone: the login, sign-up and password-reset forms.
    extra.pop("CONTENT_LENGTH", None)
    send(
        client(),
        "POST",
        page,
        form(fields),
        content_type=content_type,
        expect_json=False,
        **extra,
    )


@fuzz(150)
@given(
    slug=st.sampled_from(SLUGS) | percent(text),
    dates=st.fixed_dictionaries(
        {}, optional={"from": DATES, "to": DATES, "format": st.just("csv") | text}
    ),
)
def test_stats_page_never_fails(editor, quizzes, slug, dates):
    # The editors' page beside the stats API: same dates, read from a form.
    if "logged" not in SESSIONS:
        SESSIONS["logged"] = client()
        SESSIONS["logged"].force_login(editor)
    q = form(list(dates.items()))
    send(SESSIONS["logged"], "GET", with_query(f"/editor/quizzes/{slug}/stats/", q))


SESSIONS: dict[str, Client] = {}


@pytest.fixture(autouse=True)
def _forget_sessions():
    yield
    SESSIONS.clear()


@fuzz(200)
@given(
    slug=st.sampled_from(SLUGS),
    which=st.integers(0, len(SLUGS) - 1),
    where=st.sampled_from(["responses", "answers", "landing"]),
    forwarded=st.sampled_from(["203.0.113.7", "203.0.113.8, 10.0.0.1", ""]) | header_text,
    cookie=st.just("") | cookie,
)
def test_rate_limited_paths_never_fail(settings, results, slug, which, where, forwarded, cookie):
    # With the limits on, hostile client addresses and cookies go through the limiters and
    # the 429s they give; a few addresses repeat so that some limits are reached.
    settings.RATELIMIT_ENABLED = True
    settings.RATELIMIT_SUBMISSIONS_PER_IP = "5/h"
    extra = {"HTTP_X_FORWARDED_FOR": forwarded, "HTTP_COOKIE": cookie}
    if where == "landing":
        code = results[which]["share_url"].rstrip("/").rsplit("/", 1)[-1]
        send(client(), "GET", f"/s/{code}/", expect_json=False, **extra)
        return
    body: dict[str, Any] = {"answers": TAKES[slug]["answers"]}
    if where == "answers":
        body = {"take": "T" * 22, "question": next(iter(TAKES[slug]["answers"]))}
    send(client(), "POST", f"/api/quizzes/{slug}/{where}/", dump(body), **extra)


def test_the_fuzz_sent_at_least_5000_requests():
    fuzz_tests = {name for name in globals() if name.startswith("test_") and "never_fail" in name}
    figure = f"{SENT['requests']} generated requests; statuses {sorted(STATUSES.items())}"
    print(f"\nfuzz: {figure}")
    if not fuzz_tests <= FUZZ_TESTS:
        pytest.skip(f"only part of the fuzz ran ({figure})")
    assert SENT["requests"] >= MIN_REQUESTS, figure
