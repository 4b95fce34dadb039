"""Media in development: Django's static file view, with the cards' year-long cache header.

Used only when DEBUG (quizbuilder/urls.py). In production media never goes through Django:
the S3 storage sets Cache-Control on each object (settings.STORAGES), or, with local storage,
a front proxy serves MEDIA_ROOT at MEDIA_URL, e.g. nginx:

    location /media/cards/ { alias /srv/quizbuilder/var/media/cards/;
        add_header Cache-Control "public, max-age=31536000, immutable"; }
    location /media/ { alias /srv/quizbuilder/var/media/; }
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.views.static import serve

# Card file names hold a hash of everything drawn on them: a name never gets new content.
IMMUTABLE = "public, max-age=31536000, immutable"
CARDS_PREFIX = "cards/"


def media_serve(
    request: HttpRequest, path: str, document_root: str | None = None
) -> HttpResponseBase:
    """Serve a file of MEDIA_ROOT; a card gets Cache-Control for a year."""
    response = serve(request, path, document_root=str(document_root or settings.MEDIA_ROOT))
    if path.startswith(CARDS_PREFIX) and response.status_code in (200, 304):
        response["Cache-Control"] = IMMUTABLE
    return response
