"""Sending a signal to the rooms above without letting one of them break the sender.

The arrows point one way (core <- quizzes <- sharing <- integrations <- webhooks): a room asks
the rooms above through a signal, and a receiver that raises must neither fail the request
nor go unnoticed. Django's `send_robust` logs such a receiver (logger `django.dispatch`,
with its traceback) and hands back the exception as its answer; `signal_send_robust` leaves
those out, so callers see only real answers.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import Signal


def signal_send_robust(signal: Signal, /, *, sender: Any, **kwargs: Any) -> list[Any]:
    """Send `signal`; return the answers of the receivers that did not raise, in order (the
    others are logged by Django as errors)."""
    return [
        answer
        for _receiver, answer in signal.send_robust(sender=sender, **kwargs)
        if not isinstance(answer, Exception)
    ]
