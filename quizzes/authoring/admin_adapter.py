"""The one place where the authoring admin meets Django's internals, so that it writes a quiz
version through the services like everybody else.

Django's admin saves a model form and its inline formsets itself. Here, instead:

- `QuizCheck` poses as one more formset in the admin's list, so Django validates it with the
  others (`all_valid`) and, when it finds problems, re-shows the form and saves nothing. It
  builds the quizbuilder/1 document from the forms' cleaned instances
  (rows.file_data_build) with the uploaded images, runs rows.version_check (the
  importer's rules), and puts each problem next to the field its JSON path names:
  `variables[1].expr` on that variable's `expr`, `questions[0].choices[2].points.hero` on that
  choice's `points`, `card.headline` on the version's `card_headline`. Problems without a field
  go to the top of the page.
- `ServiceWrites` (mixed into the version's ModelAdmin) saves none of the forms: it hands the
  checked content to services.version_save, which writes the rows and the audit entry.

Every Django-internal hook the admin needs (`_create_formsets`, `_should_delete_form`, the
main form kept on the request) is in this module and nowhere else.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib.admin.utils import construct_change_message
from django.core.exceptions import BadRequest, PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.forms import BaseForm
from django.http import HttpRequest

from quizzes.authoring import services
from quizzes.authoring.rows import VersionContent, file_data_build, version_check
from quizzes.models import Choice, Outcome, Question, QuizVersion, Variable

_PATH = re.compile(
    r"(?P<list>questions|variables|outcomes)\[(?P<i>\d+)\]"
    r"(?:\.choices\[(?P<j>\d+)\])?(?:\.(?P<rest>.+))?\Z"
)
_FIELD = re.compile(r"[A-Za-z_]+")
_IMAGE_FIELDS = ("card_image", "cover")


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


def _uploads(forms: list[Any]) -> dict[str, bytes]:
    """The images uploaded in these forms (checked and re-encoded by the form fields), by the
    path the document names them with; two different uploads never share a path."""
    images: dict[str, bytes] = {}
    for form in forms:
        for name in _IMAGE_FIELDS:
            upload = form.cleaned_data.get(name)
            if not isinstance(upload, UploadedFile):
                continue
            upload.seek(0)
            content = upload.read()
            field_file = getattr(form.instance, name)
            path, n = field_file.name, 1
            while images.get(path, content) != content:
                n += 1
                stem, dot, ext = field_file.name.rpartition(".")
                path = f"{stem}-{n}{dot}{ext}"
            field_file.name = path
            images[path] = content
    return images


class QuizCheck:
    """A pseudo-formset: valid when the edited quiz passes the importer's rules."""

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
        self.content: VersionContent | None = None
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
        images = _uploads([main, *outcome_forms])
        data = file_data_build(
            version=main.instance,
            questions=[
                (qf.instance, [cf.instance for cf in cfs])
                for qf, cfs in zip(question_forms, choice_forms, strict=True)
            ],
            variables=[f.instance for f in variable_forms],
            outcomes=[f.instance for f in outcome_forms],
        )
        self.content, self.problems = version_check(version=self.version, data=data, images=images)
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


class ServiceWrites:
    """For the version's ModelAdmin: check with QuizCheck, write with services.version_save."""

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)  # type: ignore[misc]

        class Tracked(form_class):  # type: ignore[misc, valid-type]
            # The whole-quiz check needs the main form to attach top-level problems to.
            def __init__(self, *args: Any, **kw: Any) -> None:
                super().__init__(*args, **kw)
                request._quiz_form = self  # type: ignore[attr-defined]

        return Tracked

    def _create_formsets(self, request: HttpRequest, obj: Any, change: bool):
        formsets, inline_instances = super()._create_formsets(request, obj, change)  # type: ignore[misc]
        if request.method == "POST":
            # Validated last by all_valid(): it reads every other form's cleaned values.
            formsets.append(QuizCheck(request=request, version=obj, formsets=list(formsets)))
        return formsets, inline_instances

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        pass  # written with its rows by save_related, through the service

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        check = next(fs for fs in formsets if isinstance(fs, QuizCheck))
        if check.content is None:
            raise BadRequest("The quiz was not checked.")  # Django saves only valid forms
        # The row as stored, not the form's instance: the checked content says what changes.
        version = QuizVersion.objects.select_related("quiz").get(pk=form.instance.pk)
        try:
            services.version_save(version=version, content=check.content, user=request.user)
        except services.NotAllowed as exc:
            # Published or sent for review since the page was shown: nothing is written.
            raise PermissionDenied(str(exc)) from None
        except services.QuizRefused as exc:
            raise BadRequest(str(exc)) from None

    def construct_change_message(
        self, request: HttpRequest, form: Any, formsets: Any, add: bool = False
    ) -> list[dict[str, Any]]:
        # The formsets saved nothing themselves (the service rewrote the rows): the history
        # names the version's changed fields.
        return construct_change_message(form, [], add)


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
