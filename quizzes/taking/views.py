"""Visitor pages: the quiz list, a quiz's intro, the no-JavaScript take, results, privacy.

The interface speaks the visitor's language (LocaleMiddleware: the switcher's cookie, the
browser's Accept-Language); the quiz's own texts stay in the quiz's language, marked with its
`lang` in the templates. The intro page is the same for every anonymous visitor
but for the CSRF token, so its HTML is cached per quiz, language and host with a marker where
the token goes, and names the version, retention setting and card it was drawn for; it is
read with the published version in one round trip (selectors.published_get_with). The cookie
is still set and the view still counted (a new visitor's without asking the cache first).
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable
from functools import partial
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_POST

from core.bots import is_preview_bot
from core.cookies import ref_cookie_get
from core.csrf import csrf_token
from core.visitors import VisitorRequest, ip_hash
from quizzes.format.definition import Definition
from quizzes.models import Quiz, Result
from quizzes.selectors import Published, published_get, published_get_with
from quizzes.signals import page_head
from quizzes.taking import contexts, previews
from quizzes.taking.flow import (
    flow_advance,
    question_context,
    state_load,
    state_new,
    step_feedback,
)
from quizzes.taking.funnel import answer_record, shown_record, view_record
from quizzes.taking.payloads import quiz_seconds
from quizzes.taking.ratelimit import RateLimited
from quizzes.taking.services import (
    AnswersInvalid,
    NotOwner,
    response_submit,
    take_new,
)
from quizzes.taking.services import result_delete as result_delete_service
from quizzes.taking.theme import theme_stylesheet

CSRF_MARKER = "qbCsrfMarker7f3a9c"
PAGE_CACHE_SECONDS = 3600


def home(request: HttpRequest) -> HttpResponse:
    context = {"items": contexts.quiz_tiles(), "link_preview": previews.home_preview(request)}
    return render(request, "quizzes/home.html", context)


def _published_or_404(slug: str) -> Published:
    published = published_get(slug=slug)
    if published is None:
        raise Http404("No published quiz has this address.")
    return published


def _digest(*parts: str) -> str:
    # A short, safe cache-key part whatever the host or the storage's URLs look like.
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def intro(request: VisitorRequest, slug: str) -> HttpResponse:
    cacheable = not request.GET and not (
        set(request.COOKIES) & {settings.SESSION_COOKIE_NAME, "messages"}
    )
    # Kept by slug, so that the version and the page come in one round trip; the entry
    # names the version it was drawn for (a new publish draws it again).
    key = (
        f"page:intro:{_digest(slug)}:{translation.get_language()}:"
        f"{_digest(request.scheme or '', request.get_host())}"
    )
    if cacheable:
        published, entry = published_get_with(slug=slug, key=key)
    else:
        published, entry = published_get(slug=slug), None
    if published is None:
        raise Http404("No published quiz has this address.")
    # META, not request.headers, which would parse every header of the request for this one.
    if is_preview_bot(request.META.get("HTTP_USER_AGENT")):
        request.visitor_cookie = False
    else:
        view_record(
            quiz_id=published.quiz_id,
            visitor=request.visitor,
            ip_hash=partial(ip_hash, request),  # only if the view limit is counted
            is_new=request.visitor_is_new,
        )
    html = _intro_cached(request, published, entry)
    if html is None:
        html, image = _intro_render(request, published, cacheable=cacheable)
        if cacheable:
            # The quiz card, once drawn, never changes; until then the page is checked
            # against the card on every request (_intro_cached).
            drawn = image["url"] != previews.site_card(request)["url"]
            entry = (published.version_id, published.retention_days, image["url"], drawn, html)
            cache.set(key, entry, PAGE_CACHE_SECONDS)
    return HttpResponse(html.replace(CSRF_MARKER, csrf_token(request)))


def _intro_cached(request: HttpRequest, published: Published, entry: Any) -> str | None:
    """The cached intro page in `entry` if it was drawn for this version and card."""
    if not isinstance(entry, tuple) or len(entry) != 5:
        return None
    version_id, retention, image_url, drawn, html = entry
    if (version_id, retention) != (published.version_id, published.retention_days):
        return None
    if not drawn:
        image = previews.quiz_link_image_get(request=request, version_id=published.version_id)
        if image["url"] != image_url:
            return None
    return str(html)


def _intro_render(
    request: HttpRequest, published: Published, *, cacheable: bool
) -> tuple[str, dict[str, Any]]:
    image = previews.quiz_link_image_get(request=request, version_id=published.version_id)
    context = contexts.intro_context(published, ref=request.GET.get("ref", "")[:20])
    context["link_preview"] = previews.intro_preview(
        request=request, published=published, image=image
    )
    # What the rooms above put in the head (quizzes.signals.page_head).
    context["head_parts"] = [
        part
        for _receiver, part in page_head.send(sender=Quiz, request=request, slug=published.slug)
        if part
    ]
    if cacheable:
        context["csrf_token"] = CSRF_MARKER
    return render_to_string("quizzes/intro.html", context, request=request), image


@cache_control(private=True, no_store=True)
@require_http_methods(["GET", "POST"])
def take(request: VisitorRequest, slug: str) -> HttpResponse:
    """One question per screen without JavaScript; the last answer submits the take."""
    published = _published_or_404(slug)
    definition = published.definition
    state = None
    notice: str | Promise = ""
    if request.method == "POST":
        state = state_load(request.POST.get("state", ""), version=published.version_id)
        notice = "" if state else contexts.RESTART
    if state is None:
        ref = request.GET.get("ref") or ref_cookie_get(request, quiz_id=published.quiz_id)
        state = state_new(version=published.version_id, take=take_new(), ref=(ref or "")[:20])
        return question_page(request, definition, state, notice=notice)
    step = flow_advance(definition=definition, state=state, post=request.POST)
    if step.answered:
        key, position = step.answered
        # A new take past the start limits is not counted; the visitor goes on all the same.
        with contextlib.suppress(RateLimited):
            answer_record(
                quiz_id=published.quiz_id,
                take=state["t"],
                question_key=key,
                position=position,
                visitor=request.visitor,
                ip_hash=ip_hash(request),
            )
    if not step.done:
        on_screen = definition["questions"][step.state["i"]]
        if "show_if" in on_screen:
            shown_record(quiz_id=published.quiz_id, take=state["t"], question_key=on_screen["key"])
        feedback = step_feedback(definition=definition, state=state, step=step, post=request.POST)
        return question_page(request, definition, step.state, errors=step.errors, feedback=feedback)
    try:
        result = response_submit(
            published=published,
            answers=step.state["a"],
            visitor=request.visitor,
            ip_hash=ip_hash(request),
            ref=step.state.get("r"),
            take=step.state["t"],
        )
    except AnswersInvalid as exc:
        state, errors = contexts.first_error(definition, step.state, exc.errors)
        return question_page(request, definition, state, errors=errors)
    except RateLimited as exc:
        page = render(request, "quizzes/ratelimited.html", {"quiz": definition}, status=429)
        page["Retry-After"] = str(exc.retry_after)
        return page
    return redirect(result)


def question_page(
    request: HttpRequest,
    definition: Definition,
    state: dict[str, Any],
    *,
    errors: list[str] | None = None,
    notice: str | Promise = "",
    preview: bool = False,
    action: str = "",
    extra_context: dict[str, Any] | None = None,
    feedback: dict[str, Any] | None = None,
) -> HttpResponse:
    context = question_context(definition=definition, state=state, errors=errors)
    context.update(extra_context or {})
    context.update(
        feedback=feedback,
        notice=notice,
        preview=preview,
        seconds=quiz_seconds(definition),
        action=action or reverse("quizzes:take", args=[definition["slug"]]),
        intro_url=action if preview else reverse("quizzes:intro", args=[definition["slug"]]),
        theme_url=contexts.theme_url(definition["slug"], definition.get("theme")),
    )
    return render(request, "quizzes/take.html", context)


# What a room above adds to the result page's context (the picture, the share link).
ResultExtra = Callable[[HttpRequest, Result], dict[str, Any]]


def result_page(
    request: HttpRequest,
    result_id: str,
    *,
    template: str = "quizzes/result.html",
    extra: ResultExtra | None = None,
) -> HttpResponse:
    """The result page (404 unknown, 410 deleted) rendered with `template`, a child of
    quizzes/result.html that fills its blocks with what `extra` adds to the context."""
    found = contexts.result_find(result_id)
    if found is None:
        return render(request, "quizzes/not_found.html", status=404)
    if found.deleted_at is not None:
        context = {
            "result": found,
            "quiz_title": found.version.title,
            "language": found.version.language,
            "is_owner": found.visitor == getattr(request, "visitor", None),
        }
        return render(request, "quizzes/result_gone.html", context, status=410)
    context = contexts.result_context(request, found)
    if extra is not None:
        context.update(extra(request, found))
    return render(request, template, context)


@cache_control(private=True, no_store=True)
def result(request: HttpRequest, result_id: str) -> HttpResponse:
    return result_page(request, result_id)


@require_POST
def result_delete(request: VisitorRequest, result_id: str) -> HttpResponse:
    found = contexts.result_find(result_id)
    if found is None:
        return render(request, "quizzes/not_found.html", status=404)
    try:
        result_delete_service(result=found, visitor=request.visitor)
    except NotOwner:
        return render(request, "quizzes/forbidden.html", status=403)
    return redirect(found)


def theme_css(request: HttpRequest, slug: str) -> HttpResponse:
    """The live version's theme as a stylesheet (quizzes.taking.theme). Pages link it with
    ?v=<digest of the theme>: that URL is cached for a year, any other for five minutes."""
    published = published_get(slug=slug)
    if published is None:
        if not Quiz.objects.filter(slug=slug).exists():
            raise Http404("No quiz has this address.")
        # A draft's preview links it before the quiz is out: the site's look, not a 404 page
        # the browser would refuse as a stylesheet.
        response = HttpResponse("", content_type="text/css; charset=utf-8")
        response["Cache-Control"] = "private, no-store"
        return response
    theme = published.definition.get("theme") or {}
    css = theme_stylesheet(theme=theme, font_url=static)
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    current = request.GET.get("v") == contexts.theme_version(theme)
    response["Cache-Control"] = (
        "public, max-age=31536000, immutable" if current and theme else "public, max-age=300"
    )
    return response


def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico for pages without a <link rel=icon> (the admin): the site's SVG icon."""
    return redirect(static("favicon.svg"), permanent=True)


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "quizzes/privacy.html")
