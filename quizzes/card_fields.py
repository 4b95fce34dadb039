"""The card fields a version and an outcome share (out of models.py for its size)."""

from __future__ import annotations

from django.db import models


class CardFields(models.Model):
    """The `card` keys of the file format; blank means "not set" (inherit or default)."""

    card_headline = models.CharField(max_length=300, blank=True)
    card_subline = models.CharField(max_length=300, blank=True)
    card_background = models.CharField(max_length=7, blank=True)
    card_gradient_to = models.CharField(max_length=7, blank=True)
    card_text_color = models.CharField(max_length=7, blank=True)
    card_image = models.ImageField(upload_to="quiz-images/", blank=True)

    class Meta:
        abstract = True
