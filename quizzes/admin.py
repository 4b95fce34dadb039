"""The authoring admin: a quiz version with its questions (and their choices), variables and
outcomes on one screen, reorderable by drag and drop (django-nested-admin).

It runs on its own AdminSite at /editor/admin/ that admits Authors and Editors (they need not
be staff). Only drafts are editable, each author sees only the quizzes they may edit, and a
save goes through services.version_save (the importer's rules, then the rows and the audit
entry): every problem is shown next to its field. The Django-internal hooks that make this
work live in quizzes.authoring.admin_adapter, and only there.
"""

from __future__ import annotations

from typing import Any

import nested_admin
from django import forms
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from quizzes.authoring.admin_adapter import ServiceWrites
from quizzes.authoring.forms import OutcomeAdminForm, QuizVersionAdminForm
from quizzes.authoring.permissions import (
    authoring_accounts,
    quizzes_visible_to,
    user_can_edit,
    user_is_author,
)
from quizzes.models import (
    AuditEntry,
    Choice,
    Outcome,
    Question,
    Quiz,
    QuizVersion,
    Result,
    Variable,
)


class AuthoringSite(admin.AdminSite):
    site_header = _("Quizbuilder authoring")
    site_title = _("Quizbuilder authoring")
    index_title = _("Quizzes")
    site_url = "/editor/"
    enable_nav_sidebar = False

    def has_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and user_is_author(request.user)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        # One login for the whole site (allauth); the admin's own form wants staff users.
        return redirect_to_login(request.GET.get("next", self.site_url), reverse("account_login"))


authoring_site = AuthoringSite(name="authoring")


def _version_of(obj: Any) -> QuizVersion | None:
    if isinstance(obj, QuizVersion):
        return obj
    if isinstance(obj, Question | Variable | Outcome):
        return obj.version
    if isinstance(obj, Choice):
        return obj.question.version
    return None


class DraftOnly:
    """Inline rows change only while their version is an editable draft; `position` is set
    by dragging (nested_admin), so it is a hidden field."""

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "position":
            kwargs["widget"] = forms.HiddenInput
        return super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]

    def _editable(self, request: HttpRequest, obj: Any) -> bool:
        version = _version_of(obj)
        return version is None or (
            version.is_editable and user_can_edit(request.user, version.quiz)
        )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_add_permission(request, obj) and self._editable(request, obj)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and self._editable(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and self._editable(request, obj)  # type: ignore[misc]


class ChoiceInline(DraftOnly, nested_admin.NestedTabularInline):
    model = Choice
    formfield_overrides = {
        models.JSONField: {"widget": forms.Textarea(attrs={"rows": 1, "cols": 22})},
    }
    fields = ("key", "label", "value", "points", "correct", "position")
    sortable_field_name = "position"
    extra = 0
    classes = ("choices-inline",)


class QuestionInline(DraftOnly, nested_admin.NestedStackedInline):
    model = Question
    fieldsets = (
        (None, {"fields": (("key", "type", "required"), "prompt", "help", "position")}),
        (
            _("Number and text answers"),
            {"fields": (("min", "max", "step", "unit"), "max_length"), "classes": ("collapse",)},
        ),
        (
            _("How many choices (multiple choice)"),
            {"fields": (("min_choices", "max_choices"),), "classes": ("collapse",)},
        ),
    )
    inlines = [ChoiceInline]
    sortable_field_name = "position"
    extra = 0


class VariableInline(DraftOnly, nested_admin.NestedTabularInline):
    model = Variable
    fields = ("key", "expr", "position")
    sortable_field_name = "position"
    extra = 0
    verbose_name_plural = _("Variables (calculator quizzes: computed in order)")


class OutcomeInline(DraftOnly, nested_admin.NestedStackedInline):
    model = Outcome
    form = OutcomeAdminForm
    fieldsets = (
        (None, {"fields": (("key", "title"), "description", ("min", "max"), "when", "position")}),
        (
            _("Card (overrides the quiz's card)"),
            {
                "fields": (
                    ("card_headline", "card_subline"),
                    ("card_background", "card_gradient_to", "card_text_color"),
                    "card_image",
                ),
            },
        ),
    )
    sortable_field_name = "position"
    extra = 0


class QuizVersionAdmin(ServiceWrites, nested_admin.NestedModelAdmin):
    form = QuizVersionAdminForm
    list_display = ("__str__", "title", "kind", "status", "updated_at")
    list_filter = ("status", "kind")
    search_fields = ("quiz__slug", "title")
    list_select_related = ("quiz",)
    readonly_fields = ("quiz", "number", "status")
    fieldsets = (
        (None, {"fields": (("quiz", "number", "status"), "title", "description")}),
        (None, {"fields": (("kind", "language"), "cover", "retention_days")}),
        (
            _("Result card"),
            {
                "fields": (
                    ("card_headline", "card_subline"),
                    ("card_background", "card_gradient_to", "card_text_color"),
                    "card_image",
                ),
                "description": _(
                    "Headline and subline may use {placeholders}: question keys, variables, "
                    "score, max_score and outcome. Colours are #rrggbb."
                ),
            },
        ),
    )
    inlines = [QuestionInline, VariableInline, OutcomeInline]
    change_form_template = "quizzes/editor/admin_change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[QuizVersion]:
        return (
            super()
            .get_queryset(request)
            .filter(quiz__in=quizzes_visible_to(request.user))
            .select_related("quiz")
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a quiz starts on /editor/ (slug, title, kind), then is edited here

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # versions are history; results point at them

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or (obj.is_editable and user_can_edit(request.user, obj.quiz))

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        version = self.get_object(request, object_id)
        context = dict(extra_context or {})
        if version is not None:
            context["editor_url"] = reverse("quizzes:editor-quiz", args=[version.quiz.slug])
            context["preview_url"] = reverse("quizzes:preview", args=[version.quiz.slug])
        return super().change_view(request, object_id, form_url, context)

    def response_change(self, request: HttpRequest, obj: QuizVersion) -> HttpResponse:
        if "_continue" in request.POST or "_addanother" in request.POST:
            return super().response_change(request, obj)
        self.message_user(request, _("Saved %(quiz)s.") % {"quiz": obj})
        return HttpResponseRedirect(reverse("quizzes:editor-quiz", args=[obj.quiz.slug]))


class QuizAdmin(admin.ModelAdmin):
    list_display = ("slug", "owner", "live_version", "archived_at")
    # retention_days is a field of the version (reviewed and published with it), not here.
    fields = ("slug", "owner", "shared_with", "live_version", "archived_at")
    readonly_fields = ("slug", "owner", "live_version", "archived_at")
    filter_horizontal = ("shared_with",)
    list_select_related = ("owner", "live_version")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Quiz]:
        return quizzes_visible_to(request.user).select_related("owner", "live_version")

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # Not every account on the site: a posted id outside this list is refused too.
        if db_field.name == "shared_with":
            kwargs["queryset"] = authoring_accounts()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "quiz", "version", "actor", "action", "comment")
    list_select_related = ("quiz", "version", "actor")
    list_filter = ("action",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ResultAdmin(admin.ModelAdmin):
    list_display: tuple[str, ...] = ("id", "quiz", "version", "outcome_key", "title", "created_at")
    list_select_related = ("quiz", "version")
    readonly_fields = [f.name for f in Result._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


for site in (authoring_site, admin.site):
    site.register(QuizVersion, QuizVersionAdmin)
    site.register(Quiz, QuizAdmin)
admin.site.register(AuditEntry, AuditEntryAdmin)
admin.site.register(Result, ResultAdmin)
