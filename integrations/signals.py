"""What integrations announces for the rooms above it (webhooks).

`lead_created(sender=Lead, lead=Lead)`: a visitor's contact details were saved for a result
(sent on commit of the save).

`cta_clicked(sender=Result, result=Result, url=str)`: a visitor followed a result's call to
action (`url`: the configured URL the redirect went to, before UTM tags). Sent after the click
is recorded; a receiver that fails must not fail the redirect (send_robust).
"""

from __future__ import annotations

from django.dispatch import Signal

lead_created = Signal()
cta_clicked = Signal()
