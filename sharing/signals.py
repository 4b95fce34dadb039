"""What sharing announces for the rooms above it (integrations, webhooks), as quizzes does in
quizzes/signals.py.

`share_created(sender=Share, share=Share)`: a visitor made a share link for a channel (a
counted share: the first tap of a share button; never the default link or a friend's minted
link). Sent once per share, after its row is written, outside any transaction of the request;
a receiver that fails must not fail the request (send_robust).

Hooks: sharing asks the rooms above for their part of what it shows (they answer, it never
imports them). Each is sent with `send` and the answers are merged in receiver order.

`result_extras(sender=Result, request=HttpRequest, result=Result, slug=str)`: a result body is being
made (api.md); a receiver returns a dict merged into it (integrations: `cta`, and `locked`
with the withheld fields emptied).

`result_parts(sender=Result, request=HttpRequest, result=Result, owner=bool)`: the result
page is being drawn; a receiver returns HTML (a SafeString) shown below the outcome (the call
to action, the lead form), or None.

`landing_redirect(sender=Share, request=HttpRequest, share=Share, ref=str | None)`: a
browser's visit of a share page was counted; a receiver returns the URL to send it to instead
of the page (the quiz's home page), or None. Never asked for link-preview bots.

`stats_extras(sender=Quiz, quiz_id=int, first=date, last=date)`: the stats body is being
made; a receiver returns a dict: top-level figures to add, under "by_outcome" and
"by_channel" {key: {field: int}} to add to those rows, and under "row_fields" {"by_outcome":
[field, ...], "by_channel": [...]}: the fields every row of those tables gets (0 by default).

Stats upkeep, for a room that rolls up its own figures of the stats body (integrations: CTA
clicks), so that the hourly runs do its part too. Sent with send_robust (a receiver's
failure is logged and does not stop sharing's part; the next run does it again), so each
receiver must be idempotent:

`stats_rolled_up(sender=DailyStats, today=date, recent_days=int)`: the hourly run has
rolled up sharing's closed days (the last `recent_days` of them again, for late events).

`stats_raw_purged(sender=DailyStats, now=datetime)`: the hourly run has purged the raw
events past their retention (sharing.stats.purge.raw_retention_days()) that were rolled up.
"""

from __future__ import annotations

from django.dispatch import Signal

share_created = Signal()
result_extras = Signal()
result_parts = Signal()
landing_redirect = Signal()
stats_extras = Signal()
stats_rolled_up = Signal()
stats_raw_purged = Signal()
