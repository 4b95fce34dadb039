"""What sharing announces for the rooms above it (integrations, webhooks), as quizzes does in
quizzes/signals.py.

`share_created(sender=Share, share=Share)`: a visitor made a share link for a channel (a
counted share: the first tap of a share button; never the default link or a friend's minted
link). Sent once per share, after its row is written, outside any transaction of the request;
a receiver that fails must not fail the request (send_robust).
"""

from __future__ import annotations

from django.dispatch import Signal

share_created = Signal()
