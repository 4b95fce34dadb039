"""The share bar's links: each channel's URL with the link and a short text filled in."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from django import template
from django.contrib.staticfiles import finders
from django.utils.html import format_html
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _

from ..services import share_copy_default
from ..views import qr_data_uri

register = template.Library()

# (channel, label, URL template); {url} and {text} are filled in, URL-encoded.
CHANNELS = (
    ("whatsapp", "WhatsApp", "https://wa.me/?{q}", lambda u, t: {"text": f"{t} {u}"}),
    ("telegram", "Telegram", "https://t.me/share/url?{q}", lambda u, t: {"url": u, "text": t}),
    ("x", "X", "https://x.com/intent/tweet?{q}", lambda u, t: {"url": u, "text": t}),
    (
        "facebook",
        "Facebook",
        "https://www.facebook.com/sharer/sharer.php?{q}",
        lambda u, t: {"u": u},
    ),
    ("line", "LINE", "https://social-plugins.line.me/lineit/share?{q}", lambda u, t: {"url": u}),
    (
        "weibo",
        "微博 Weibo",
        "https://service.weibo.com/share/share.php?{q}",
        lambda u, t: {"url": u, "title": t},
    ),
    ("email", None, "mailto:?{q}", lambda u, t: {"subject": t, "body": f"{t}\n\n{u}"}),
)


def share_text(result: Any) -> str:
    # Sent to friends beside the quiz's link and card: in the quiz's language, as before the
    # pages followed the visitor's (README "Languages"), whatever the sharer's interface.
    language = getattr(getattr(result, "version", None), "language", "") or get_language()
    with override(language):
        return _("I got “%(title)s”. What about you?") % {"title": result.title}


@register.simple_tag
def share_channels(result: Any, share_url: str) -> list[dict[str, str]]:
    """The channel buttons of the share bar, linking to the default share link (no-JS)."""
    text = share_text(result)
    return [
        {
            "channel": channel,
            "label": label or _("Email"),
            # The template is filled in the browser too (share.js) with the channel's own link.
            "template": pattern.replace(
                "{q}", urlencode(params("{url}", "{text}"), safe="{}", quote_via=quote)
            ),
            "href": pattern.replace("{q}", urlencode(params(share_url, text), quote_via=quote)),
        }
        for channel, label, pattern, params in CHANNELS
    ]


# Chinese quizzes lead with the channels people in China share on; others keep CHANNELS' order.
LEAD_CHANNELS = {"zh": ("wechat", "weibo")}
WECHAT = {"channel": "wechat", "label": "", "template": "", "href": ""}


def lead_channels(language: str) -> tuple[str, ...]:
    """The channels shown first (before the copy link) for a quiz in `language`."""
    return LEAD_CHANNELS.get((language or "").lower().split("-")[0], ())


@register.simple_tag
def share_layout(result: Any, share_url: str) -> dict[str, list[dict[str, str]]]:
    """The share bar's buttons in two groups: `lead` (shown before the copy link; WeChat
    and Weibo for a Chinese quiz, else none) and `rest`; WeChat (its QR panel) is a
    pseudo-channel {"channel": "wechat"}, last of `rest` when it does not lead."""
    version = getattr(result, "version", None)
    lead = lead_channels(str(getattr(version, "language", "") or ""))
    buttons = {c["channel"]: c for c in share_channels(result, share_url)}
    buttons["wechat"] = WECHAT
    first = [buttons[c] for c in lead]
    rest = [b for c, b in buttons.items() if c not in lead]
    return {"lead": first, "rest": rest}


@register.simple_tag
def share_text_for(result: Any) -> str:
    return share_text(result)


@register.simple_tag
def qr_code(url: str) -> str:
    return qr_data_uri(url)


# Channel -> Simple Icons file under static/icons/ (CC0, see its README).
BRAND_ICONS = {
    "whatsapp": "whatsapp",
    "telegram": "telegram",
    "x": "x",
    "facebook": "facebook",
    "line": "line",
    "weibo": "sinaweibo",
    "wechat": "wechat",
}
# Our own plain glyphs (24x24) for what no brand owns.
PLAIN_ICONS = {
    "email": "M3 5h18a1 1 0 0 1 1 1v12a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1zm1 "
    "2.4V17h16V7.4l-8 5.2zM5.3 7 12 11.4 18.7 7z",
    "copy": "M8 3h11a2 2 0 0 1 2 2v11h-2V5H8zM5 7h10a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H5a2 2 0 "
    "0 1-2-2V9a2 2 0 0 1 2-2zm0 2v10h10V9z",
    "native": "M12 2l5 5-1.4 1.4L13 5.8V15h-2V5.8L8.4 8.4 7 7zM4 11h4v2H5v7h14v-7h-3v-2h4a1 "
    "1 0 0 1 1 1v9a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1v-9a1 1 0 0 1 1-1z",
    "download": "M11 3h2v9.2l3.6-3.6L18 10l-6 6-6-6 1.4-1.4 3.6 3.6zM4 18h16v2H4z",
    "story": "M7 2h10a2 2 0 0 1 2 2v16a2 2 0 0 1-2 2H7a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2zm0 "
    "2v16h10V4zm4 13h2v1h-2z",
}
_PATH_RE = re.compile(r'<path d="([^"]+)"')


@functools.cache
def _icon_path(name: str) -> str:
    found = finders.find(f"icons/{name}.svg")
    if not found:
        return ""
    match = _PATH_RE.search(Path(str(found)).read_text(encoding="utf-8"))
    return match.group(1) if match else ""


@register.simple_tag
def share_icon(channel: str) -> str:
    """A channel's icon as inline SVG in the button's text colour, hidden from screen readers
    (the button's label names the channel)."""
    d = PLAIN_ICONS.get(channel) or (
        _icon_path(BRAND_ICONS[channel]) if channel in BRAND_ICONS else ""
    )
    if not d:
        return ""
    return format_html(
        '<svg class="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" '
        'focusable="false"><path fill="currentColor" d="{}"/></svg>',
        d,
    )


@register.simple_tag(takes_context=True)
def copy_link(context: template.Context, result: Any, fallback: str) -> str:
    """The absolute URL of the result's copy-box link (`share_copy_default`); `fallback`
    (the default link) for a deleted result."""
    request = context.get("request")
    if request is None or getattr(result, "deleted_at", None) is not None:
        return fallback
    share = share_copy_default(result=result)
    return str(request.build_absolute_uri(share.get_absolute_url()))
