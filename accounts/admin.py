"""The user admin, extended for invitations: a "Send invitation" action on users and an
"Invite" page that creates an author's or editor's account and emails them the link."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .invitations import AUTHORS, EDITORS, InvitationRefused, invitation_send, user_invite

User = get_user_model()


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[
            (AUTHORS, _("Author: creates and edits their own drafts")),
            (EDITORS, _("Editor: reviews, publishes, archives; sees every quiz's stats")),
        ],
        initial=AUTHORS,
        widget=forms.RadioSelect,
    )
    # Authors and editors write in the authoring site (/editor/) without being staff; staff
    # also reach this site administration (users, invitations, results).
    staff = forms.BooleanField(
        label=_("Staff: may also use this site administration"), required=False, initial=False
    )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("This address already has an account."))
        return email


admin.site.site_header = admin.site.site_title = settings.SITE_NAME
admin.site.unregister(User)


@admin.register(User)
class QuizbuilderUserAdmin(UserAdmin):
    change_list_template = "admin/auth/user/change_list_invite.html"
    list_display = ("email", "username", "roles", "is_staff", "is_active", "last_login")
    list_filter = ("groups", "is_staff", "is_superuser", "is_active")
    actions = ["send_invitation"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("Roles"))
    def roles(self, user: Any) -> str:
        return ", ".join(sorted(g.name for g in user.groups.all()))

    def get_urls(self) -> list[Any]:
        invite = path(
            "invite/", self.admin_site.admin_view(self.invite_view), name="auth_user_invite"
        )
        return [invite, *super().get_urls()]

    @admin.action(description=_("Send invitation (a link to choose a password)"))
    def send_invitation(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        sent = 0
        for user in queryset:
            try:
                invitation_send(user=user, invited_by=request.user, request=request)
                sent += 1
            except InvitationRefused as refused:
                self.message_user(request, str(refused), messages.WARNING)
        if sent:
            self.message_user(
                request,
                ngettext("Sent %(n)d invitation.", "Sent %(n)d invitations.", sent) % {"n": sent},
                messages.SUCCESS,
            )

    def invite_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        form = InviteForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                user = user_invite(invited_by=request.user, request=request, **form.cleaned_data)
            except InvitationRefused as refused:
                form.add_error(None, str(refused))
            else:
                self.message_user(
                    request,
                    _("Invited %(email)s: the invitation email is on its way.")
                    % {"email": getattr(user, "email", "")},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:auth_user_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Invite an author or editor"),
            "form": form,
        }
        return render(request, "admin/auth/user/invite.html", context)
