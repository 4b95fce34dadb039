"""The quiz made for an iframe on a business's site, the script that puts it there, and oEmbed
(spec/integrations.md, "Embeds").

`/q/<slug>/embed/` is the whole flow in one frameless page: the intro is drawn here, the
questions, result, share bar, call to action and lead form by static/js/embed-app.js through
the JSON API (so the flow never leaves this one framable page). Without JavaScript the page
offers the full quiz in a new tab.
"""

from __future__ import annotations

import contextlib
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.clickjacking import xframe_options_exempt

from core.api import error
from core.bots import is_preview_bot
from core.visitors import VisitorRequest, ip_hash
from quizzes.format.definition import Definition
from quizzes.selectors import Published, published_get
from quizzes.taking import views as taking_views
from quizzes.taking.funnel import view_record
from quizzes.taking.payloads import quiz_public
from quizzes.taking.services import take_new
from sharing.cards.show import DEFAULT_CARD, card_url
from sharing.cards.version_jobs import version_card_name
from sharing.results import result_image
from sharing.services import share_get, share_result

from .services import LEAD_FIELDS, embed_settings_of

EMBED_JS = Path(__file__).resolve().parent / "static" / "integrations" / "embed.js"
DEFAULT_HEIGHT = 640
DEFAULT_WIDTH = 640


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def _friend_landing(request: HttpRequest, published: Published, code: str) -> dict[str, Any]:
    """What a friend who came through a share link sees first: the sharer's outcome."""
    share = share_get(code=code)
    if share is None or share.quiz_id != published.quiz_id:
        return {}
    result = share_result(share)
    if result is None or result.deleted_at is not None:
        return {}
    image = result_image(result, absolute=request.build_absolute_uri)
    return {"title": result.title, "description": result.description, "image": image}


def _lead_form(published: Published) -> dict[str, Any] | None:
    form = published.definition.get("lead")  # type: ignore[misc]
    if not isinstance(form, dict) or not form.get("fields"):
        return None
    return {
        "fields": [f for f in form["fields"] if f in LEAD_FIELDS],
        "position": form.get("position") or "after_result",
        "required": bool(form.get("required")),
        "consent": str(form.get("consent") or ""),
    }


def complete_values(definition: Definition) -> list[str]:
    """The names of the result's `values` the `complete` message may tell the host page: the
    quiz's own worked-out values only, never what a question (shown or hidden) was answered
    with (spec/integrations.md)."""
    asked = {q["key"] for q in definition["questions"]}
    return [v["key"] for v in definition.get("variables") or [] if v["key"] not in asked]


def _strings() -> dict[str, str]:
    """What embed-app.js says, in the quiz's language (%(name)s filled in by the script)."""
    return {
        "of": _("Question %(n)s of %(total)s"),
        "required": _("Please answer this question."),
        "range": _("Enter a number from %(min)s to %(max)s."),
        "last": _("See my result"),
        "next": _("Next"),
        "offline": _("No connection. Please try again."),
        "copied": _("Link copied."),
        "score": _("Score: %(score)s of %(max)s"),
        "optional": _("(optional)"),
        "choose": _("Choose all that apply."),
    }


@xframe_options_exempt
@cache_control(private=True, no_store=True)
def quiz_embed(request: VisitorRequest, slug: str) -> HttpResponse:
    published = published_get(slug=slug)
    if published is None:
        raise Http404(_("No published quiz has this address."))
    if is_preview_bot(request.headers.get("User-Agent")):
        request.visitor_cookie = False
    else:
        view_record(quiz_id=published.quiz_id, visitor=request.visitor, ip_hash=ip_hash(request))
    row = embed_settings_of(published.quiz_id)
    origins = row.origins if row else []
    host = _origin(request.GET.get("origin", ""))
    if host is not None and origins and host not in origins:
        host = None  # messages go only to a page allowed to frame the quiz
    code = request.GET.get("qb", "")[:20]
    friend = _friend_landing(request, published, code) if code else {}
    definition = published.definition
    context = {
        "quiz": quiz_public(definition, absolute=request.build_absolute_uri),
        "slug": published.slug,
        "take": take_new(),
        "ref": code if friend else "",
        "friend": friend,
        "host_origin": host or "",
        "lead": _lead_form(published),
        "complete_values": complete_values(definition),
        "quiz_url": request.build_absolute_uri(reverse("quizzes:intro", args=[published.slug])),
        "responses_url": reverse("api:response-create", args=[published.slug]),
        "answers_url": reverse("api:answer-create", args=[published.slug]),
    }
    with translation.override(definition.get("language") or settings.LANGUAGE_CODE):
        context["strings"] = _strings()
        response = render(request, "integrations/embed.html", context)
    # Framable by the quiz's allowed origins only; by any https page when it names none.
    response._csp_replace = {"frame-ancestors": origins or ["https:"]}  # type: ignore[attr-defined]
    return response


@lru_cache(maxsize=1)
def _embed_js() -> bytes:
    return EMBED_JS.read_bytes()


def embed_js(request: HttpRequest) -> HttpResponse:
    """The one-line snippet's script (static/integrations/embed.js), at the site's root."""
    response = HttpResponse(_embed_js(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _quiz_slug_of(request: HttpRequest, url: str) -> str | None:
    """The slug of a quiz page URL of this site (intro or embed), None otherwise."""
    parts = urlsplit(url)
    own = {urlsplit(settings.SITE_URL).netloc.lower(), request.get_host().lower()}
    if parts.scheme not in ("http", "https") or parts.netloc.lower() not in own:
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    # By function: the quiz page resolves through its unnamed fast route (quizbuilder/urls.py).
    if match.func not in (taking_views.intro, quiz_embed):
        return None
    return str(match.kwargs.get("slug") or "") or None


@cache_control(public=True, max_age=600)
def oembed(request: HttpRequest) -> HttpResponse:
    """oEmbed (https://oembed.com) for WordPress, Ghost and the like: the iframe's HTML."""
    fmt = request.GET.get("format", "json")
    if fmt != "json":
        return error(501, "format", "Only format=json is served.")
    url = request.GET.get("url", "")
    if not url:
        return error(400, "url", "Send the address of a quiz: url=https://…/q/<slug>/.")
    slug = _quiz_slug_of(request, url)
    if slug is None:
        return error(400, "url", "This address is not a quiz of this site.")
    published = published_get(slug=slug)
    if published is None:
        return error(404, "url", "No published quiz has this address.")
    width = DEFAULT_WIDTH
    with contextlib.suppress(ValueError):
        width = max(200, min(int(request.GET.get("maxwidth", DEFAULT_WIDTH)), DEFAULT_WIDTH))
    height = DEFAULT_HEIGHT
    src = request.build_absolute_uri(reverse("integrations:embed", args=[slug]))
    title = str(published.definition["title"])
    html = (
        f'<iframe src="{escape(src)}" title="{escape(title)}" width="{width}" '
        f'height="{height}" frameborder="0" allow="clipboard-write; web-share" '
        f'loading="lazy"></iframe>'
    )
    # The quiz's own card (drawn when it was published), else the site's default one.
    fallback = version_card_name(version_id=published.version_id)
    thumb = card_url(fallback) if fallback else static(DEFAULT_CARD)
    if not thumb.startswith(("http://", "https://")):
        thumb = request.build_absolute_uri(thumb)
    body = {
        "version": "1.0",
        "type": "rich",
        "title": title,
        "provider_name": settings.SITE_NAME,
        "provider_url": settings.SITE_URL + "/",
        "html": html,
        "width": width,
        "height": height,
        "thumbnail_url": thumb,
        "thumbnail_width": 1200,
        "thumbnail_height": 630,
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response
