"""The admin of sharing's state that editors look at: result cards and quiz versions' own cards
(which failed, and why)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import ResultCard, VersionCard


@admin.register(ResultCard)
class ResultCardAdmin(admin.ModelAdmin):
    # The card's status and, once the last retry failed, why (sharing.tasks), and the same of
    # its square card: read only, the workers write it.
    list_display = ("result", "status", "error", "attempts", "retry_at", "square_status",
                    "square_error")  # fmt: skip
    list_select_related = ("result",)
    list_filter = ("status", "square_status")
    readonly_fields = [f.name for f in ResultCard._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(VersionCard)
class VersionCardAdmin(admin.ModelAdmin):
    # A version's own card (the quiz's link preview until a result's card is drawn): which
    # failed and why; read only, the workers write it.
    list_display = ("version", "status", "error", "attempts", "retry_at")
    list_select_related = ("version", "version__quiz")
    list_filter = ("status",)
    readonly_fields = [f.name for f in VersionCard._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
