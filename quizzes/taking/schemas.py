"""The bodies of the taking API (api.md) as schemas, for its OpenAPI document (/api/docs/).

They describe what quizzes/taking/api.py answers; the operations build the bodies themselves
(payloads.py) so the wire format is api.md's to the byte.
"""

from __future__ import annotations

from typing import Any, Literal

from ninja import Schema
from pydantic import Field


class QuizListItem(Schema):
    slug: str
    title: str
    kind: str
    url: str = Field(description="Absolute URL of the quiz's page.")


class QuizListOut(Schema):
    quizzes: list[QuizListItem]


class ChoiceOut(Schema):
    key: str
    label: str
    image: str | None = None


class ShowIfOut(Schema):
    question: str
    choices: list[str]


class QuestionOut(Schema):
    key: str
    type: Literal["single", "multi", "number", "text"]
    prompt: str
    help: str
    required: bool | None
    min: float | None
    max: float | None
    step: float | None
    unit: str
    max_length: int | None
    min_choices: int | None
    max_choices: int | None
    image: str | None = None
    show_if: ShowIfOut | None = None
    choices: list[ChoiceOut]
    feedback: dict[str, Any] | None = Field(None, description="Only when the quiz has feedback.")


class QuizOut(Schema):
    slug: str
    title: str
    description: str
    kind: str
    language: str
    questions: list[QuestionOut]
    feedback: bool | None = Field(None, description="Only when the quiz gives feedback.")


class OutcomeOut(Schema):
    key: str
    title: str
    description: str


class SquareOut(Schema):
    url: str
    width: int
    height: int


class ImageOut(Schema):
    status: Literal["pending", "ready", "failed"]
    url: str | None
    width: int
    height: int
    square: SquareOut | None = None


class CtaOut(Schema):
    label: str
    url: str


class ResultOut(Schema):
    """api.md's result body; `share_url`, `image` (sharing) and `cta`, `locked`
    (integrations) are added by the rooms above quizzes."""

    id: str = Field(description="Unguessable, at least 20 url-safe characters.")
    quiz: str
    outcome: OutcomeOut | None
    score: float | None
    max_score: float | None
    values: dict[str, Any]
    result_url: str
    share_url: str | None
    image: ImageOut | None
    cta: CtaOut | None = None
    locked: bool | None = Field(None, description="Only when the quiz asks for a lead.")


class ResponseIn(Schema):
    answers: dict[str, Any] = Field(
        description="Question key -> answer: a choice key, a list of choice keys, a number "
        "or a text (quiz-format.md)."
    )
    ref: str | None = Field(None, description="A share code; unknown or malformed: ignored.")
    take: str | None = Field(None, description="The take id the page made (funnel).")


class AnswerIn(Schema):
    take: str
    question: str = Field(description="The question key answered (or shown).")
    shown: bool | None = Field(None, description="true: the question was shown, not answered.")


class Accepted(Schema):
    pass
