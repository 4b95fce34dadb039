"""Share landing pages (`/s/<code>/`), their QR codes, and the editors' stats pages."""

from __future__ import annotations

import io
from collections.abc import Collection
from typing import Any, cast

import segno
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache

from core.bots import is_preview_bot
from core.cookies import ref_cookie_set
from core.visitors import VisitorRequest, ip_hash
from quizzes.authoring.permissions import quizzes_visible_to
from quizzes.authoring.preview import preview_version
from quizzes.format.definition import HasQuestions, Theme
from quizzes.models import Quiz
from quizzes.taking.contexts import quiz_duration_text, quiz_tiles, theme_url
from quizzes.taking.ratelimit import RefusedKind

from .cards.render import LAYOUTS
from .cards.studio import studio_card_png
from .models import Share
from .pages import landing_fast, landing_response, own_cookie_set
from .results import result_image
from .services import share_get
from .signals import landing_redirect
from .stats import charts, page
from .stats.body import StatsBody
from .stats.ranges import StatsRangeError, quiz_stats, stats_dates_parse
from .visits import Landing, landing_visit

PLACEHOLDER = "img/share-card.png"


def _gone(request: HttpRequest, status: int) -> HttpResponse:
    context = {"items": quiz_tiles(), "gone": status == 410}
    return render(request, "sharing/not_found.html", context, status=status)


@never_cache
def landing(request: VisitorRequest, code: str) -> HttpResponse:
    agent = request.headers.get("User-Agent", "")
    bot = is_preview_bot(agent)
    if bot:
        request.visitor_cookie = False
    # The address' hash (two HMACs) only where a click limit is counted: a new visitor's
    # click on the kept page, or the ordinary path.
    fast = landing_fast(
        request, code=code, visitor=request.visitor, is_new=request.visitor_is_new, bot=bot,
        agent=agent, ip_hash=ip_hash(request) if request.visitor_is_new and not bot else "",
    )  # fmt: skip
    if fast is not None:
        share, kind, own = fast.entry.share(), fast.kind, fast.own_code
        ref: str | None = fast.entry.code
        response = HttpResponse(fast.html(request))
    else:
        # A returning browser's own link under this one is read with it (one query).
        known = not bot and not request.visitor_is_new
        share_or_none = share_get(code=code, visitor=request.visitor if known else None)
        if share_or_none is None:
            return _gone(request, 404)
        share = share_or_none
        seen_or_none = landing_visit(
            share=share, visitor=request.visitor, visitor_is_new=request.visitor_is_new,
            ip_hash=ip_hash(request), user_agent=agent, is_bot=bot,
        )  # fmt: skip
        if seen_or_none is None:
            return _gone(request, 410)
        seen = seen_or_none
        kind, ref, own = seen.kind, seen.ref, seen.own_code
        # Asked for bots too: a kept page is served to browsers without asking again.
        elsewhere = _landing_elsewhere(request, share, ref)
        response = (None if bot else elsewhere) or landing_response(
            request, seen, lambda: _landing_context(request, seen), keep=elsewhere is None
        )
    if bot:
        request.META["CSRF_COOKIE_NEEDS_UPDATE"] = False  # no cookie of any kind for bots
    elif kind in ("click", "uncounted") and ref:
        # An uncounted visit (past the click limits) still carries the referral: a friend
        # behind a busy address keeps the credit for the completion it brings.
        ref_cookie_set(response, request, quiz_id=share.quiz_id, code=ref)
        if own:
            own_cookie_set(response, request, code=share.code, own=own)
    return response


def _landing_elsewhere(request: HttpRequest, share: Share, ref: str | None) -> HttpResponse | None:
    """The redirect a room above asks for (the quiz's home page); bots are not sent there:
    they get the page with its tags."""
    answers = landing_redirect.send(sender=Share, request=request, share=share, ref=ref)
    for _receiver, url in answers:
        if url:
            return redirect(url)
    return None


def _landing_context(request: HttpRequest, seen: Landing) -> dict[str, Any]:
    result, quiz = seen.result, seen.share.quiz
    image = result_image(result, absolute=request.build_absolute_uri)
    if not image.get("url"):
        image = {
            "url": request.build_absolute_uri(static(PLACEHOLDER)),
            "width": 1200,
            "height": 630,
            "status": "pending",
        }
    # Straight to the first question: the share page was the friend's intro already.
    take_url = reverse("quizzes:take", args=[quiz.slug])
    if seen.ref:
        take_url += "?" + urlencode({"ref": seen.ref})
    title, description = landing_meta(result)
    page_url = request.build_absolute_uri(seen.share.get_absolute_url())
    return {
        "landing": seen,
        "result": result,
        "meta_title": title,
        "meta_description": description,
        "quiz_title": result.version.title,
        "language": result.version.language,  # of the quiz's texts; the interface is the visitor's
        "duration": quiz_duration_text(result.version.definition or HasQuestions(questions=[])),
        "quiz_open": quiz.is_public,
        "image": image,
        "page_url": page_url,
        "link_preview": {
            "title": title,
            "description": description,
            "url": page_url,
            "image": image,
        },
        "own_url": reverse("sharing:landing", args=[seen.own_code]) if seen.own_code else "",
        "take_url": take_url,
        # The quiz's own look from the friend's first screen, as its quiz and result pages.
        "theme_url": theme_url(quiz.slug, cast(Theme, result.version.theme or {})),
    }


def landing_meta(result: Any) -> tuple[str, str]:
    """The share page's link-preview title and description.

    Title: the card's headline (placeholders filled at completion) when it has one, else
    "<outcome title> · <quiz title>". Description: the card's subline, else the quiz's
    description, else its title; never the visitor's personal outcome description.
    """
    version = result.version
    definition = version.definition or {}
    quiz_title = str(definition.get("title") or version.title)
    text = result.card_text or {}
    headline = str(text.get("headline") or "").strip()
    title = headline or f"{result.title} · {quiz_title}"
    description = (
        str(text.get("subline") or "").strip()
        or str(definition.get("description") or version.description or "").strip()
        or quiz_title
    )
    return title, description


def share_qr(request: HttpRequest, code: str) -> HttpResponse:
    """The share link as a QR code (SVG), for WeChat and for reading off a screen."""
    share = share_get(code=code)
    if share is None:
        raise Http404
    url = request.build_absolute_uri(reverse("sharing:landing", args=[share.code]))
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=6, border=2, dark="#111827")
    response = HttpResponse(out.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def qr_data_uri(url: str) -> str:
    """A QR code of `url` as an SVG data URI (the share bar's WeChat panel without JS)."""
    return segno.make(url, error="m").svg_data_uri(scale=5, border=2, dark="#111827")


@cache_control(private=True, no_store=True)
@login_required
def stats_page(request: HttpRequest, slug: str) -> HttpResponse:
    # Not "forbidden": that would tell a private draft from a slug nobody took. Whoever sees
    # a quiz in the studio sees its stats (user_can_see_stats).
    quiz = get_object_or_404(
        quizzes_visible_to(request.user).select_related("live_version"), slug=slug
    )
    form = {"from": request.GET.get("from", ""), "to": request.GET.get("to", "")}
    try:
        body = quiz_stats(quiz, *stats_dates_parse(form["from"], form["to"]))
    except StatsRangeError as exc:
        context = {"quiz": quiz, "form": form, "error": str(exc)}
        return render(request, "sharing/stats.html", context, status=400)
    figures = _page(body, page.question_prompts(quiz), page.questions_optional(quiz))
    outcomes = _outcomes(quiz, body)
    if request.GET.get("format") == "csv":
        table = request.GET.get("table", "days")
        if table not in page.TABLES:
            raise Http404("No such table.")
        return page.stats_csv(
            table=table,
            slug=quiz.slug,
            body=body,
            questions=figures["questions"],
            outcomes=outcomes,
        )
    language = quiz.live_version.language if quiz.live_version else ""
    context = {"quiz": quiz, "form": form, **figures, "outcomes": outcomes, "language": language}
    return render(request, "sharing/stats.html", context)


def _outcomes(quiz: Quiz, body: StatsBody) -> list[dict[str, Any]]:
    """The by-outcome rows with each outcome's title from the live version (the key when a
    key is not in it); the CSV and the API keep the keys."""
    definition = (quiz.live_version.definition if quiz.live_version else None) or {}
    titles = {o.get("key"): o.get("title") for o in definition.get("outcomes") or []}
    return [
        {"key": key, "title": titles.get(key) or key, **row}
        for key, row in body["by_outcome"].items()
    ]


def question_drops(body: StatsBody, optional: Collection[str] = ()) -> list[dict[str, Any]]:
    """The by_question rows with the takes that reached each question and its drop-off among
    them. A question reached by every take past the one before: those who answered it. A
    question with a display condition (README) is reached by the takes shown it; those who
    skipped it passed it anyway, so only the ones it lost come off the next one's count.
    An `optional` question left blank was passed, not left: it shows no drop-off of its own
    and the next question counts from all who reached it (the last one, from completions)."""
    questions: list[dict[str, Any]] = []  # QuestionStats, "reached", "lost" and "drop"
    past = body["starts"]
    rows = body["by_question"]
    for i, row in enumerate(rows):
        reached = row.get("shown", past)
        if row["key"] in optional:
            after = body["completions"] if i == len(rows) - 1 else reached
            lost = reached - after
        else:
            lost = reached - row["answered"]
        drop = f"{lost / reached:.0%}" if reached and lost > 0 else ""
        questions.append({**row, "reached": reached, "lost": max(lost, 0), "drop": drop})
        past = past - max(lost, 0) if "shown" in row or row["key"] in optional else row["answered"]
    return questions


def _page(body: StatsBody, prompts: dict[str, str], optional: Collection[str]) -> dict[str, Any]:
    funnel = [
        (_("Views"), body["views"]),
        (_("Starts"), body["starts"]),
        (_("Completions"), body["completions"]),
        (_("Shares"), body["shares"]),
        (_("Clicks"), body["clicks"]),
        (_("Referred completions"), body["referred_completions"]),
    ]
    questions = question_drops(body, optional)
    page.questions_named(questions, prompts)
    depths = [(str(k), n) for k, n in body["by_depth"].items()]
    return {
        "stats": body,
        "questions": questions,
        "funnel_svg": charts.bars(funnel, title=_("Funnel")),
        "questions_svg": charts.bars(
            [(q["short"], q["answered"]) for q in questions],
            title=_("Answers per question"),
            note=[_("−%(drop)s") % q if q["drop"] else "" for q in questions],
        ),
        "days_svg": charts.days(body["by_day"], title=_("By day")),
        "depth_svg": charts.bars(
            [(_("depth %(d)s") % {"d": d}, n) for d, n in depths], title=_("Referral depth")
        ),
        "csv_query": urlencode({"from": body["from"], "to": body["to"], "format": "csv"}),
        "csv_queries": {
            table: urlencode(
                {"from": body["from"], "to": body["to"], "format": "csv", "table": table}
            )
            for table in page.TABLES
        },
        "rates": page.stats_rates(body),
        "channels": page.channels_named(body),
        "readings": page.READINGS,
        "refused": [
            {"kind": kind, "label": RefusedKind(kind).label, "count": n}
            for kind, n in body["refused"].items()
        ],
    }


@login_required
@cache_control(private=True, no_store=True)
def studio_card(request: HttpRequest, slug: str, layout: str) -> HttpResponse:
    """GET ?outcome=<index>&rev=<revision>: the draft's result image as a PNG, for the studio
    (rev only names what the studio saw last, so a new save is never served from a cache)."""
    if layout not in LAYOUTS:
        raise Http404
    quiz = get_object_or_404(quizzes_visible_to(request.user), slug=slug)
    version = preview_version(quiz)
    if version is None:
        raise Http404
    version.quiz = quiz
    try:
        index = int(request.GET.get("outcome", "0"))
    except ValueError:
        index = 0
    png = studio_card_png(version=version, outcome_index=index, layout=layout)
    return HttpResponse(png, content_type="image/png")
