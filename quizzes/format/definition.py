"""The shape of a normalised quiz definition (spec/quiz-format.md), for type checkers only.

`quizfile.quizfile_validate` turns a `quizbuilder/1` file into a `Definition`: every default
filled in, every optional key present (as None, "" or {} when the file leaves it out), except
the extensions (`cover`, `theme`, `retention_days`; a question's `image`, `explanation` and
`show_if`; a choice's `image`), which are there only when given (and not the default). A
published version freezes it as JSON and every pure function (scoring, templating, corners,
payloads, page contexts) reads it through these types.

A question carries only the keys of its type (`choices` on single and multi, `min`/`max` on
number...): they are `NotRequired`, and code reads them after checking `type`.
"""

# No `from __future__ import annotations` here: Python 3.11 only sees NotRequired in an
# evaluated annotation, and tests read __required_keys__ to check the types against real files.
from typing import Any, Literal, NotRequired, TypedDict, cast

Kind = Literal["personality", "score", "trivia", "calculator"]
QuestionType = Literal["single", "multi", "number", "text"]
# A compiled expression (formula_compiler.formula_compile): nested lists, opaque to everyone else.
Program = list


CardText = Literal["headline", "subline"]  # the card keys that are templates


class Card(TypedDict, total=False):
    """How a result image looks; every key optional, colours `#rrggbb` in lower case."""

    headline: str
    subline: str
    background: str
    gradient_to: str
    text_color: str
    image: str


class Theme(TypedDict, total=False):
    """How the quiz's pages look (an extension, quizzes/format/theme.py): `#rrggbb` colours
    in lower case and a bundled font's key."""

    brand: str
    background: str
    font: str


class Choice(TypedDict):
    key: str
    label: str
    value: float
    points: dict[str, float]  # outcome key -> points (personality only; {} elsewhere)
    correct: bool
    image: NotRequired[str]  # an extension: a path in the bundle (a storage name once stored)


class ShowIf(TypedDict):
    """A display condition (an extension): the question is shown only when the earlier single
    or multi question `question` was shown and answered with one of `choices`."""

    question: str
    choices: list[str]


class Question(TypedDict):
    key: str
    type: QuestionType
    prompt: str
    help: str
    required: bool
    choices: NotRequired[list[Choice]]  # single, multi
    min_choices: NotRequired[int | None]  # multi
    max_choices: NotRequired[int | None]  # multi
    min: NotRequired[float]  # number
    max: NotRequired[float]  # number
    step: NotRequired[float | None]  # number
    unit: NotRequired[str]  # number
    max_length: NotRequired[int]  # text
    # Extensions, present only when given (so files without them read and export as before):
    image: NotRequired[str]  # shown above the prompt; a path in the bundle like `cover`
    explanation: NotRequired[str]  # shown in a trivia quiz's answer review
    show_if: NotRequired[ShowIf]


class Variable(TypedDict):
    key: str
    expr: str
    # Extensions: the name and unit "How it was worked out" shows (else the key), when given.
    label: NotRequired[str]
    unit: NotRequired[str]


class Cta(TypedDict):
    """A call to action (spec/integrations.md): a button to the business's page."""

    label: str
    url: str


class LeadForm(TypedDict):
    """The contact details a quiz asks for (spec/integrations.md)."""

    fields: list[str]
    position: str
    required: bool
    consent: str
    double_opt_in: bool


class Outcome(TypedDict):
    key: str
    title: str
    description: str
    min: float | None
    max: float | None
    when: str | None
    card: Card
    cta: NotRequired[Cta]


class Definition(TypedDict):
    format: str
    slug: str
    language: str
    title: str
    description: str
    kind: Kind
    questions: list[Question]
    variables: list[Variable]
    outcomes: list[Outcome]
    card: Card
    cover: NotRequired[str]
    theme: NotRequired[Theme]
    retention_days: NotRequired[int]
    feedback: NotRequired[bool]  # trivia: right or wrong after each question (only when true)
    cta: NotRequired[Cta]
    lead: NotRequired[LeadForm]


# A clean answer (scoring.answers_validate): a number's float, a single's choice key, a
# multi's choice keys in the quiz's order, a text as typed (stripped). Unanswered: no key.
Answer = float | str | list[str]
Answers = dict[str, Answer]


class Programs(TypedDict):
    """A definition's compiled expressions, stored beside it (empty unless calculator)."""

    variables: dict[str, Program]  # variable key -> program
    when: dict[str, Program]  # outcome key -> program


class HasQuestions(TypedDict):
    """Any definition-like dict with questions: what answer checks read (a `Definition` is
    one; the take page checks a single question by wrapping it in one)."""

    questions: list[Question]


def definition_stored(value: Any) -> Definition:
    """A version's `definition` JSONField read as what publishing froze in it.

    Only a published (or retired) version holds one; a draft holds None, which comes back as
    {}. The readers that may meet a draft (cards, purges, landing pages) read every key with
    .get() for that reason. The cast states the type; it checks nothing.
    """
    return cast(Definition, value or {})


def programs_stored(value: Any) -> Programs:
    """A version's `programs` JSONField (see `definition_stored`); {} when none."""
    return cast(Programs, value or {})
