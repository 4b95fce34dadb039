"""Forms of the authoring screens: a new quiz, a workflow comment, and the admin's model forms
whose image uploads are checked and re-encoded by quizzes.authoring.images before they are
stored."""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.widgets import AdminFileWidget
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from quizzes.authoring.images import ImageError, image_clean
from quizzes.models import Kind, Outcome, QuizVersion

SLUG_RE = re.compile(r"[a-z0-9-]{1,60}\Z")
CONTENT_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
}


class QuizCreateForm(forms.Form):
    title = forms.CharField(max_length=200, label=_("Title"))
    slug = forms.RegexField(
        regex=SLUG_RE,
        max_length=60,
        label=_("Slug"),
        help_text=_("The quiz's address: a-z, 0-9 and -, e.g. which-pet-are-you."),
        error_messages={"invalid": _("Use 1 to 60 characters of a-z, 0-9 and -.")},
    )
    kind = forms.ChoiceField(choices=Kind.choices, label=_("Kind"))
    language = forms.ChoiceField(
        choices=settings.LANGUAGES, initial="en", label=_("Language of the quiz")
    )


class QuizImportForm(forms.Form):
    file = forms.FileField(
        label=_("Quiz file"),
        help_text=_("A quizbuilder/1 file: .json, or .zip with its images."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".json,.zip,application/json,application/zip"}
        ),
    )


class WorkflowForm(forms.Form):
    # One comment box serves every button of the quiz page: the browser must not demand it.
    use_required_attribute = False

    comment = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Comment"),
    )

    def __init__(self, *args: Any, action: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if action == "send-back":  # the author is told what to change (the service insists too)
            self.fields["comment"].required = True
            self.fields["comment"].error_messages["required"] = _(
                "Say what needs to change: a comment is required to send a quiz back."
            )


def upload_clean(upload: Any) -> Any:
    """An uploaded image, checked by content (PNG, JPEG or WebP), size and pixel limits, and
    re-encoded without metadata; anything else (no upload, "clear") passes unchanged."""
    if not isinstance(upload, UploadedFile):
        return upload
    limit = settings.IMAGE_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise forms.ValidationError(
            _("The image is larger than %(limit)s MB."), params={"limit": limit // 1_000_000}
        )
    try:
        data, ext, _w, _h = image_clean(
            upload.read(), max_bytes=limit, max_pixels=settings.IMAGE_MAX_PIXELS
        )
    except ImageError as exc:
        raise forms.ValidationError(str(exc)) from None
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", PurePath(upload.name or "").stem).strip("-")[:40]
    return SimpleUploadedFile(
        f"{stem or 'image'}.{ext}", data, content_type=CONTENT_TYPES.get(ext, "")
    )


def _image_field(label: Any) -> forms.FileField:
    # A plain FileField: Django's ImageField would accept GIFs and word a bomb vaguely.
    return forms.FileField(
        required=False,
        label=label,
        widget=AdminFileWidget(attrs={"accept": "image/png,image/jpeg,image/webp"}),
        help_text=_("PNG, JPEG or WebP. It is re-encoded and its metadata removed."),
    )


CARD_FIELDS = (
    "card_headline",
    "card_subline",
    "card_background",
    "card_gradient_to",
    "card_text_color",
    "card_image",
)
COLOUR_ATTRS = {"placeholder": "#rrggbb", "pattern": "#[0-9a-fA-F]{6}", "size": 9}


class QuizVersionAdminForm(forms.ModelForm):
    cover = _image_field(_("Cover image"))
    card_image = _image_field(_("Card background image"))
    retention_days = forms.IntegerField(
        min_value=1,
        label=_("Days answers are kept"),
        help_text=_(
            "Visitors' raw answers are deleted after this many days; outcomes and computed "
            "values stay. Part of the version: an editor reviews a change before it applies."
        ),
    )

    class Meta:
        model = QuizVersion
        fields = (
            "title",
            "description",
            "kind",
            "language",
            "cover",
            "retention_days",
            *CARD_FIELDS,
        )
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "card_background": forms.TextInput(attrs=COLOUR_ATTRS),
            "card_gradient_to": forms.TextInput(attrs=COLOUR_ATTRS),
            "card_text_color": forms.TextInput(attrs=COLOUR_ATTRS),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The site's maximum is read per form, not at import (settings may change in tests).
        most = settings.RESULT_RETENTION_DAYS_MAX
        field = self.fields["retention_days"]
        field.widget.attrs["max"] = most
        message = _("Keep answers for at most %(limit_value)s days (this site's maximum).")
        field.validators.append(MaxValueValidator(most, message=message))

    def clean_cover(self) -> Any:
        return upload_clean(self.cleaned_data.get("cover"))

    def clean_card_image(self) -> Any:
        return upload_clean(self.cleaned_data.get("card_image"))


class OutcomeAdminForm(forms.ModelForm):
    card_image = _image_field(_("Card background image"))

    class Meta:
        model = Outcome
        fields = ("key", "title", "description", "min", "max", "when", "position", *CARD_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "card_background": forms.TextInput(attrs=COLOUR_ATTRS),
            "card_gradient_to": forms.TextInput(attrs=COLOUR_ATTRS),
            "card_text_color": forms.TextInput(attrs=COLOUR_ATTRS),
        }

    def clean_card_image(self) -> Any:
        return upload_clean(self.cleaned_data.get("card_image"))
