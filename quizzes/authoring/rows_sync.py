"""Writing a validated definition into a version's rows: the version's own fields, then only
the questions, choices, values and outcomes whose values changed.

The studio saves the whole form on every keystroke; deleting and inserting every row each
time cost a statement per row for what is, most of the time, one changed field. The rows the
definition wants are built as before (unsaved objects, images stored once per path), then
compared with the stored ones: an unchanged row is not written (it keeps its id), a changed
one is updated in place, a missing one inserted, a surplus one deleted.

A stored row stands for the item with its key; an item whose key is new (a key following its
label, an item added) takes a stored row no item claimed, in order, so typing a prompt that
renames its key updates one row. Keys never collide on the way: an updated row only takes a
key no stored row holds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from typing import Any, TypeVar

from django.core.files.base import ContentFile
from django.db import models
from django.db.models.fields.files import FieldFile

from quizzes.authoring.rows import CARD_KEYS
from quizzes.format.definition import Card, Definition
from quizzes.format.quizfile import RETENTION_DAYS_DEFAULT
from quizzes.models import Choice, Outcome, Question, QuizVersion, Variable

Row = TypeVar("Row", Question, Choice, Variable, Outcome)


def _apply_card(
    obj: QuizVersion | Outcome,
    card: Card,
    files: dict[str, ContentFile],
    stored: dict[str, str],
) -> None:
    for k in CARD_KEYS:
        setattr(obj, f"card_{k}", card.get(k) or "")
    _image_set(obj.card_image, card.get("image") or "", files, stored)


def _image_set(
    field: FieldFile, path: str, files: dict[str, ContentFile], stored: dict[str, str]
) -> None:
    """Point an image field at the bundle path's file: stored once, shared by later holders."""
    if path in stored:
        # One stored file per bundle path: a second holder shares the first one's name.
        field.name = stored[path]
    elif path in files:
        field.save(files[path].name or path, files[path], save=False)
        stored[path] = field.name or ""
    elif not path:
        field.name = ""  # the content has no image (any old one is dropped)


def _version_set(
    version: QuizVersion,
    definition: Definition,
    files: dict[str, ContentFile],
    stored: dict[str, str],
) -> None:
    version.title = definition["title"]
    version.description = definition.get("description") or ""
    version.language = definition.get("language") or "en"
    version.kind = definition["kind"]
    version.retention_days = definition.get("retention_days", RETENTION_DAYS_DEFAULT)
    version.feedback = definition.get("feedback", False)
    version.theme = dict(definition.get("theme") or {})
    version.cta = dict(definition["cta"]) if "cta" in definition else None
    version.lead = dict(definition["lead"]) if "lead" in definition else None
    _apply_card(version, definition.get("card") or {}, files, stored)
    _image_set(version.cover, definition.get("cover") or "", files, stored)


def _questions_wanted(
    version: QuizVersion,
    definition: Definition,
    files: dict[str, ContentFile],
    stored: dict[str, str],
) -> list[tuple[Question, list[Choice]]]:
    wanted = []
    for qi, q in enumerate(definition["questions"]):
        question = Question(
            version=version,
            position=qi,
            key=q["key"],
            type=q["type"],
            prompt=q["prompt"],
            help=q.get("help") or "",
            required=q.get("required", q["type"] != "text"),
            min=q.get("min"),
            max=q.get("max"),
            step=q.get("step"),
            unit=q.get("unit") or "",
            max_length=q.get("max_length"),
            min_choices=q.get("min_choices"),
            max_choices=q.get("max_choices"),
            explanation=q.get("explanation") or "",
            show_if=dict(q["show_if"]) if "show_if" in q else None,
        )
        _image_set(question.image, q.get("image") or "", files, stored)
        choices = []
        for ci, c in enumerate(q.get("choices") or []):
            choice = Choice(
                position=ci,
                key=c["key"],
                label=c["label"],
                value=c.get("value") or 0,
                points=c.get("points") or {},
                correct=bool(c.get("correct")),
            )
            _image_set(choice.image, c.get("image") or "", files, stored)
            choices.append(choice)
        wanted.append((question, choices))
    return wanted


def _outcomes_wanted(
    version: QuizVersion,
    definition: Definition,
    files: dict[str, ContentFile],
    stored: dict[str, str],
) -> list[Outcome]:
    wanted = []
    for oi, o in enumerate(definition["outcomes"]):
        outcome = Outcome(
            version=version,
            position=oi,
            key=o["key"],
            title=o["title"],
            description=o.get("description") or "",
            min=o.get("min"),
            max=o.get("max"),
            when=o.get("when") or "",
            cta=dict(o["cta"]) if "cta" in o else None,
        )
        _apply_card(outcome, o.get("card") or {}, files, stored)
        wanted.append(outcome)
    return wanted


def _pairs(stored: Sequence[Row], wanted: Sequence[Row]) -> tuple[list[tuple[Row, Row]], list[Row]]:
    """(stored row, wanted row) for every wanted row that has a stored row to take (its key's,
    else, in order, one no wanted key claims); and the stored rows left over."""
    by_key = {row.key: row for row in stored}
    wanted_keys = {row.key for row in wanted}
    free = iter([row for row in stored if row.key not in wanted_keys])
    pairs = []
    for row in wanted:
        old = by_key.get(row.key) or next(free, None)
        if old is not None:
            pairs.append((old, row))
    taken = {old.pk for old, _row in pairs}
    return pairs, [row for row in stored if row.pk not in taken]


def _value(row: models.Model, field: models.Field[Any, Any]) -> Any:
    value = getattr(row, field.attname)
    # A file compares by its stored name ("" for none); JSON by value (its key order is no data).
    return (value.name or "") if isinstance(value, FieldFile) else value


class _Writes:
    """The statements a sync needs, gathered so that rows changing the same fields of one
    model are updated together: deletes first, then updates, then inserts."""

    def __init__(self) -> None:
        self.deletes: dict[type[models.Model], list[int]] = defaultdict(list)
        self.updates: dict[tuple[type[models.Model], tuple[str, ...]], list[Any]] = defaultdict(
            list
        )

    def pair(self, old: Row, row: Row, *, parent: str) -> None:
        """`row` takes `old`'s id; updated when a value differs."""
        fields = [
            f for f in type(row)._meta.concrete_fields if not f.primary_key and f.name != parent
        ]
        changed = tuple(f.name for f in fields if _value(old, f) != _value(row, f))
        row.pk = old.pk
        setattr(row, f"{parent}_id", getattr(old, f"{parent}_id"))
        row._state.adding, row._state.db = False, old._state.db
        if changed:
            self.updates[(type(row), changed)].append(row)

    def delete(self, rows: Collection[models.Model]) -> None:
        for row in rows:
            self.deletes[type(row)].append(row.pk)

    def run_deletes_and_updates(self) -> None:
        for model, ids in self.deletes.items():
            model._default_manager.filter(pk__in=ids).delete()
        for (model, fields), rows in self.updates.items():
            json = any(isinstance(model._meta.get_field(f), models.JSONField) for f in fields)
            if len(rows) == 1 or json:
                # bulk_update writes a None JSON value as JSON null, not SQL NULL as save does.
                for row in rows:
                    row.save(update_fields=fields)
            else:
                model._default_manager.bulk_update(rows, fields)


def _questions_sync(
    version: QuizVersion, wanted: list[tuple[Question, list[Choice]]], writes: _Writes
) -> list[Choice]:
    """Pair the questions and their choices; the new choices (inserted once their question
    has an id)."""
    stored = list(version.questions.prefetch_related("choices"))
    pairs, surplus = _pairs(stored, [q for q, _choices in wanted])
    writes.delete(surplus)
    stored_choices = {q.pk: list(q.choices.all()) for q in stored}
    paired = {id(row): old for old, row in pairs}
    new_choices = []
    for question, choices in wanted:
        old_question = paired.get(id(question))
        if old_question is not None:
            writes.pair(old_question, question, parent="version")
            choice_pairs, gone = _pairs(stored_choices[old_question.pk], choices)
            writes.delete(gone)
            for old, choice in choice_pairs:
                writes.pair(old, choice, parent="question")
            kept = {id(choice) for _old, choice in choice_pairs}
            choices = [c for c in choices if id(c) not in kept]
        for choice in choices:
            choice.question = question  # its id is set when the question is inserted
        new_choices += choices
    return new_choices


def _flat_sync(stored: list[Row], wanted: list[Row], writes: _Writes) -> list[Row]:
    """Pair values or outcomes; the new ones."""
    pairs, surplus = _pairs(stored, wanted)
    writes.delete(surplus)
    for old, row in pairs:
        writes.pair(old, row, parent="version")
    kept = {id(row) for _old, row in pairs}
    return [row for row in wanted if id(row) not in kept]


def rows_write(
    *,
    version: QuizVersion,
    definition: Definition,
    files: dict[str, ContentFile],
    kept: Collection[str] = frozenset(),
) -> None:
    """Make the version's rows hold the definition (saving the version itself, with whatever
    else the caller set on it); `files` holds the prepared images and `kept` the stored ones
    it may name again (any other image path is left unset: the caller copies stored ones).

    Only the rows whose values change are written; an unchanged row keeps its id.
    """
    # New bytes for a path win over a stored file of that name.
    stored: dict[str, str] = {name: name for name in kept if name not in files}
    _version_set(version, definition, files, stored)
    version.save()
    questions = _questions_wanted(version, definition, files, stored)
    variables = [
        Variable(
            version=version,
            position=i,
            key=v["key"],
            expr=v["expr"],
            label=v.get("label") or "",
            unit=v.get("unit") or "",
        )
        for i, v in enumerate(definition.get("variables") or [])
    ]
    outcomes = _outcomes_wanted(version, definition, files, stored)
    writes = _Writes()
    new_choices = _questions_sync(version, questions, writes)
    new_variables = _flat_sync(list(version.variables.all()), variables, writes)
    new_outcomes = _flat_sync(list(version.outcomes.all()), outcomes, writes)
    writes.run_deletes_and_updates()
    Question.objects.bulk_create(q for q, _choices in questions if q._state.adding)
    for choice in new_choices:
        choice.question_id = choice.question.pk
    Choice.objects.bulk_create(new_choices)
    Variable.objects.bulk_create(new_variables)
    Outcome.objects.bulk_create(new_outcomes)
