"""The share bar's links: each channel's URL with the link and a short text filled in."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from django import template
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _

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
