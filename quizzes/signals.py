"""What the taking flow announces for the rooms above it (sharing listens; quizzes never
imports them for this).

`request_refused(quiz_id=int, kind=RefusedKind)`: a request was refused, or served but not
counted, as abuse (a rate limit). Sent once per refused request, outside any transaction the
request may roll back; a receiver that fails must not fail the request (send_robust).
"""

from __future__ import annotations

from django.dispatch import Signal

request_refused = Signal()
