"""What the visitor pages show: the contexts of the quiz list, intro, question and result
templates, built from the published definition and the result row (no requests to the
database beyond the ones named here)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any, Protocol, cast
from urllib.parse import quote, urlencode

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from quizzes.engine.numbers import number_text
from quizzes.engine.scoring import ANSWER, answers_validate
from quizzes.format.checks import STEP_MIN
from quizzes.format.definition import (
    Definition,
    HasQuestions,
    Question,
    Theme,
    Variable,
    definition_stored,
)
from quizzes.models import RESULT_ID_MAX_LENGTH, Kind, Quiz, Result, url_token_ok
from quizzes.selectors import Published, quizzes_published
from quizzes.taking.payloads import quiz_seconds, show_if_public
from quizzes.taking.review import answer_review, feedback_public

RESTART = _("This page was open too long or the quiz changed. Please start again.")
GRADIENT = ("#4338ca", "#9333ea")


def _tile_image(background: str, gradient_to: str) -> str:
    # A gradient drawn as an SVG data URI: CSP allows data: images but no inline styles.
    svg = (
        "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 84 84' preserveAspectRatio='none'>"
        "<defs>"
        "<linearGradient id='g' x2='1' y2='1'>"
        f"<stop offset='0' stop-color='{background}'/>"
        f"<stop offset='1' stop-color='{gradient_to}'/></linearGradient></defs>"
        "<rect width='84' height='84' fill='url(#g)'/></svg>"
    )
    return "data:image/svg+xml," + quote(svg, safe=":/=' ")


def theme_version(theme: Theme | None) -> str:
    """A short digest of a theme: its stylesheet's URL changes exactly when it does."""
    if not theme:
        return ""
    raw = json.dumps(theme, sort_keys=True).encode()
    return hashlib.sha256(raw).hexdigest()[:12]


def theme_url(slug: str, theme: Theme | None) -> str:
    """The quiz's theme stylesheet (quizzes.taking.views.theme_css), or "" without a theme:
    an unthemed quiz costs no request more."""
    version = theme_version(theme)
    if not version:
        return ""
    return f"{reverse('quizzes:theme', args=[slug])}?{urlencode({'v': version})}"


def duration_text(seconds: float) -> str:
    """A friendly, rounded "about …" for how long something takes, in the active language:
    "about 15 seconds", "about 30 seconds", "about a minute", "about 2 minutes"."""
    if seconds < 20:
        return gettext("about 15 seconds")
    if seconds < 45:
        return gettext("about 30 seconds")
    if seconds < 90:
        return gettext("about a minute")
    minutes = round(seconds / 60)
    return ngettext("about %(n)s minute", "about %(n)s minutes", minutes) % {"n": minutes}


def quiz_duration_text(definition: HasQuestions) -> str:
    """How long taking the quiz takes, as every page says it (home, intro, share page)."""
    return duration_text(quiz_seconds(definition))


def quiz_tiles() -> list[dict[str, Any]]:
    """The published quizzes as list tiles (home page, unknown share links)."""
    return [quiz_tile(q) for q in quizzes_published()]


def quiz_tile(quiz: Quiz) -> dict[str, Any]:
    """A quiz in the list: cover (or a gradient tile), title, size and time to take it."""
    version = quiz.live_version
    assert version is not None
    definition: HasQuestions = version.definition or HasQuestions(questions=[])
    if version.cover:
        image = version.cover.url
    else:
        image = _tile_image(
            version.card_background or GRADIENT[0], version.card_gradient_to or GRADIENT[1]
        )
    return {
        "url": quiz.get_absolute_url(),
        "title": version.title,
        "description": version.description,
        "language": version.language,
        "image": image,
        "count": len(definition["questions"]),
        "duration": quiz_duration_text(definition),
    }


def questions_of(definition: Definition) -> list[dict[str, Any]]:
    """Each question with its place and its checks, for templates that show all of them."""
    total = len(definition["questions"])
    return [
        {
            "q": q,
            "index": i,
            "number": i + 1,
            "total": total,
            "is_last": i == total - 1,
            "check": question_rules(q),
            "show_if": json.dumps(show_if_public(q)) if "show_if" in q else "",
            "feedback": screen_feedback(q) if definition.get("feedback") else None,
        }
        for i, q in enumerate(definition["questions"])
    ]


def screen_feedback(question: Question) -> dict[str, Any] | None:
    """What take.js needs to tell right from wrong on a scored question: the right keys (as
    JSON), their labels and the explanation; None on a question that is not scored."""
    public = feedback_public(question)
    if public is None:
        return None
    labels = [c["label"] for c in question.get("choices") or [] if c["key"] in public["correct"]]
    return {
        "correct": json.dumps(public["correct"]),
        "labels": ", ".join(labels),
        "explanation": public["explanation"],
    }


def question_rules(question: Question) -> str:
    """The rules take.js checks an answer against on Next, as JSON, with the server's messages.

    Each message is what `answers_validate` says of an answer that breaks the rule, so the
    browser and the server always say the same words.
    """

    # Alone, without the question its condition names: judged as if shown.
    alone = cast(Question, {k: v for k, v in question.items() if k != "show_if"})

    def said(raw: object) -> str:
        _, errors = answers_validate(definition={"questions": [alone]}, answers={key: raw})
        return errors.get(key, [""])[0]

    key, kind = question["key"], question["type"]
    check: dict[str, Any] = {"required": bool(question["required"])}
    messages = {"required": ANSWER}
    if kind == "number":
        lo, hi, step = question["min"], question["max"], question["step"]
        # The same grid as scoring: a legacy step below STEP_MIN is no grid at all.
        step = step if step and step >= STEP_MIN else None
        check.update(min=lo, max=hi, step=step)
        messages.update(number=said("abc"), range=said(hi + abs(hi) + 1))
        if step:
            messages["step"] = said(lo + step / 2)
    elif kind == "multi":
        keys = [c["key"] for c in question["choices"]]
        fewest = max(question.get("min_choices") or 0, 1 if question["required"] else 0)
        most = question.get("max_choices") or len(keys)
        check.update(fewest=fewest, most=most)
        if fewest > 1:
            messages["few"] = said(keys[: fewest - 1])
        if most < len(keys):
            messages["many"] = said(keys[: most + 1])
    elif kind == "text":
        check["max_length"] = question["max_length"]
        messages["long"] = said("x" * (question["max_length"] + 1))
    check["messages"] = messages
    return json.dumps(check, ensure_ascii=False)


def intro_context(published: Published, *, ref: str = "", preview: bool = False) -> dict[str, Any]:
    definition = published.definition
    take_url = reverse("quizzes:take", args=[published.slug])
    return {
        "quiz": definition,
        "slug": published.slug,
        "count": len(definition["questions"]),
        "duration": quiz_duration_text(definition),
        "retention_days": published.retention_days,
        "screens": [] if preview else questions_of(definition),
        "start_url": f"{take_url}?{urlencode({'ref': ref})}" if ref else take_url,
        "responses_url": reverse("api:response-create", args=[published.slug]),
        "answers_url": reverse("api:answer-create", args=[published.slug]),
        "ref": ref,
        "preview": preview,
        "theme_url": theme_url(published.slug, definition.get("theme")),
        "cover_tile": "" if definition.get("cover") else quiz_cover_tile(definition),
    }


def quiz_cover_tile(definition: Definition) -> str:
    """The intro's banner for a quiz without a cover: the card's gradient, as on the home."""
    card = definition.get("card") or {}
    return _tile_image(
        card.get("background") or GRADIENT[0], card.get("gradient_to") or GRADIENT[1]
    )


def first_error(
    definition: Definition, state: dict[str, Any], errors: dict[str, list[str]]
) -> tuple[dict[str, Any], list[str]]:
    """The state moved to the first question with an error, and that question's messages."""
    for index, q in enumerate(definition["questions"]):
        if q["key"] in errors:
            return {**state, "i": index}, errors[q["key"]]
    return state, [m for messages in errors.values() for m in messages]


def result_find(result_id: str) -> Result | None:
    if not url_token_ok(result_id, max_length=RESULT_ID_MAX_LENGTH):
        return None
    return Result.objects.filter(pk=result_id).select_related("quiz", "version").first()


class Scored(Protocol):
    """What the score line and the figures read: a saved Result or a preview's Computed."""

    @property
    def score(self) -> float | None: ...
    @property
    def max_score(self) -> float | None: ...
    @property
    def values(self) -> Mapping[str, object] | None: ...


def figures(
    result: Scored, variables: list[Variable] | None = None, *, language: str | None = None
) -> list[tuple[str, str]]:
    """A calculator's computed values with the label and unit the file gives each variable
    ("Weight in 10 years", "82 kg"); a value without a label is named from its key
    ("weight_10y" -> "Weight 10y")."""
    named = {v["key"]: v for v in variables or []}
    values = result.values or {}
    # In the file's order: PostgreSQL's jsonb keeps a stored dict's keys in its own order.
    order = [k for k in named if k in values] + [k for k in values if k not in named]
    rows = []
    for key, value in ((k, values[k]) for k in order):
        if not isinstance(value, int | float):
            continue
        label, unit = key.replace("_", " ").capitalize(), ""
        if key in named:
            label = named[key].get("label") or label
            unit = named[key].get("unit") or ""
        # As the quiz's language writes numbers: 12,345.5 in English, 12 345,5 in French.
        text = number_text(value, places=2, grouped=True, language=language)
        rows.append((label, f"{text} {unit}" if unit else text))
    return rows


def score_text(result: Scored, kind: str, *, language: str | None = None) -> str:
    if kind not in (Kind.SCORE, Kind.TRIVIA) or result.score is None:
        return ""

    def shown(x: float) -> str:
        # As templates print numbers: at most 2 decimals, trailing zeros dropped.
        return number_text(x, places=2, grouped=True, language=language)

    if result.max_score is None:
        return shown(result.score)
    return f"{shown(result.score)} / {shown(result.max_score)}"


def result_context(request: HttpRequest, result: Result) -> dict[str, Any]:
    """The result page's context as quizzes knows it; rooms above add theirs (the picture, the
    share link) and fill the page's blocks (quizzes/result.html)."""
    version = result.version
    is_owner = result.visitor == getattr(request, "visitor", None)
    review: list[dict[str, Any]] = []
    if version.kind == Kind.TRIVIA and is_owner and isinstance(result.answers, dict):
        review = answer_review(
            definition=definition_stored(version.definition), answers=result.answers
        )
    return {
        "result": result,
        "review": review,
        "quiz_title": version.title,
        "language": version.language,
        "kind": version.kind,
        "score_text": score_text(result, version.kind, language=version.language),
        "figures": (
            figures(
                result,
                definition_stored(version.definition).get("variables"),
                language=version.language,
            )
            if version.kind == Kind.CALCULATOR
            else []
        ),
        "poll_url": reverse("api:result-detail", args=[result.id]),
        "again_url": reverse("quizzes:intro", args=[result.quiz.slug]),
        "is_owner": is_owner,
        "theme_url": theme_url(result.quiz.slug, cast(Theme, version.theme or {})),
    }
