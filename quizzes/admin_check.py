"""The admin's whole-quiz check: the importer's rules applied to unsaved edits.

`QuizCheck` poses as one more formset in the admin's list, so Django validates it with the
others (`all_valid`) and, when it finds problems, re-shows the form and saves nothing. It
builds the quizbuilder/1 document from the forms' cleaned instances (services.file_data_build),
runs quizfile_validate, and puts each problem next to the field its JSON path names:
`variables[1].expr` on that variable's `expr`, `questions[0].choices[2].points.hero` on that
choice's `points`, `card.headline` on the version's `card_headline`. Problems without a field
go to the top of the page.
"""

from __future__ import annotations

import re
from typing import Any

from django.forms import BaseForm
from django.http import HttpRequest

from .models import Choice, Outcome, Question, QuizVersion, Variable
from .services import quiz_validate
from .versionrows import file_data_build

_PATH = re.compile(
    r"(?P<list>questions|variables|outcomes)\[(?P<i>\d+)\]"
    r"(?:\.choices\[(?P<j>\d+)\])?(?:\.(?P<rest>.+))?\Z"
)
_FIELD = re.compile(r"[A-Za-z_]+")


def _kept(formset: Any) -> list[Any]:
    """The forms that will be saved, in the order the author put them."""
    forms: list[Any] = []
    for index, form in enumerate(formset.forms):
        if formset.can_delete and formset._should_delete_form(form):
            continue
        if index >= formset.initial_form_count() and not form.has_changed():
            continue
        forms.append(form)
    return sorted(
        forms,
        key=lambda f: (f.cleaned_data.get("position") or 0, f.instance.pk or 10**12),
    )


class QuizCheck:
    """A pseudo-formset: valid when the edited quiz passes quizfile_validate."""

    is_bound = True
    new_objects: list[Any] = []
    changed_objects: list[Any] = []
    deleted_objects: list[Any] = []
    forms: list[Any] = []
    media = None

    def __init__(self, *, request: HttpRequest, version: QuizVersion, formsets: list[Any]):
        self.request = request
        self.version = version
        self.formsets = formsets
        self.problems: list[Any] = []
        self._valid: bool | None = None

    def has_changed(self) -> bool:
        return False

    def is_valid(self) -> bool:
        # nested_admin runs all_valid() twice; the check (and its errors) happens once.
        if self._valid is None:
            self._valid = self._check()
        return self._valid

    def _check(self) -> bool:
        main = getattr(self.request, "_quiz_form", None)
        others_ok = all(fs.is_valid() for fs in self.formsets)
        if main is None or not main.is_valid() or not others_ok:
            return True  # field errors come first; the quiz is checked once they are fixed
        by_model = {fs.model: fs for fs in self.formsets if not getattr(fs, "is_nested", False)}
        question_forms = _kept(by_model[Question]) if Question in by_model else []
        variable_forms = _kept(by_model[Variable]) if Variable in by_model else []
        outcome_forms = _kept(by_model[Outcome]) if Outcome in by_model else []
        choice_forms = [
            [
                f
                for fs in getattr(qf, "nested_formsets", [])
                if fs.model is Choice
                for f in _kept(fs)
            ]
            for qf in question_forms
        ]
        data = file_data_build(
            version=main.instance,
            questions=[
                (qf.instance, [cf.instance for cf in cfs])
                for qf, cfs in zip(question_forms, choice_forms, strict=True)
            ],
            variables=[f.instance for f in variable_forms],
            outcomes=[f.instance for f in outcome_forms],
        )
        _definition, self.problems = quiz_validate(data)
        lists = {
            "questions": question_forms,
            "variables": variable_forms,
            "outcomes": outcome_forms,
        }
        for problem in self.problems:
            _place(problem, main, lists, choice_forms)
        return not self.problems

    def save(self, commit: bool = True) -> list[Any]:
        return []

    def non_form_errors(self) -> list[str]:
        return []

    @property
    def errors(self) -> list[Any]:
        return []


def _place(
    problem: Any,
    main: BaseForm,
    lists: dict[str, list[BaseForm]],
    choice_forms: list[list[BaseForm]],
) -> None:
    """Add a problem to the form and field its path names (the main form's top otherwise)."""
    match = _PATH.match(problem.path)
    form: BaseForm | None = main
    rest = problem.path
    if match:
        forms = lists[match["list"]]
        i = int(match["i"])
        form = forms[i] if i < len(forms) else None
        if match["j"] is not None and form is not None:
            choices = choice_forms[i]
            j = int(match["j"])
            form = choices[j] if j < len(choices) else None
        rest = match["rest"] or ""
    field = _field_name(rest)
    if form is None:
        main.add_error(None, str(problem))
    elif field in form.fields:
        # The path's tail says which entry of the field (e.g. the outcome in `points`).
        detail = rest[len(field.replace("card_", "card.")) :].lstrip(".")
        message = f"{detail}: {problem.message}" if detail else problem.message
        form.add_error(field, message)
    else:
        form.add_error(None, f"{rest}: {problem.message}" if rest else problem.message)


def _field_name(rest: str) -> str:
    if rest.startswith("card."):
        return "card_" + (_FIELD.match(rest[5:]) or [""])[0]
    found = _FIELD.match(rest)
    return found[0] if found else ""
