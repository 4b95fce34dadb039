"""The "Save for story" image: a result's card in the 1080x1920 story layout, for its owner.

Drawn on the first request (by the same renderer and under the same content-derived name as
the other cards, so a second request finds the file) rather than with every result: few
visitors post a story, and every result would otherwise pay for a third picture.
"""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.cache import cache_control

from quizzes.taking.contexts import result_find

from .cards.jobs import result_card_render

STORY = "story"


@cache_control(private=True, no_store=True)
def result_story(request: HttpRequest, result_id: str) -> HttpResponse:
    """Redirect the result's owner to its story image; 404 for anyone else (it may carry
    their name and their own QR link) or a deleted result."""
    found = result_find(result_id)
    visitor = getattr(request, "visitor", None)
    if found is None or found.deleted_at is not None or found.visitor != visitor:
        return render(request, "quizzes/not_found.html", status=404)
    name = result_card_render(result_id=found.pk, layout=STORY)
    if name is None:
        return render(request, "quizzes/not_found.html", status=404)
    return HttpResponseRedirect(default_storage.url(name))
