"""core.signals.signal_send_robust: a room above that raises is logged and left out; the
sender and the other receivers go on."""

from __future__ import annotations

import logging

import pytest
from django.dispatch import Signal

from core.signals import signal_send_robust

pytestmark = pytest.mark.pure


def test_a_receiver_that_raises_is_logged_with_its_traceback_and_the_others_answer(caplog):
    asked = Signal()

    def first(**kwargs):
        return ("first", kwargs["quiz_id"])

    def broken(**_kwargs):
        raise RuntimeError("the room above is down")

    def last(**_kwargs):
        return None

    for receiver in (first, broken, last):
        asked.connect(receiver, weak=False)
    with caplog.at_level(logging.ERROR):
        answers = signal_send_robust(asked, sender=object, quiz_id=7)
    assert answers == [("first", 7), None]
    # Django's send_robust logs it: nothing goes unnoticed, and nothing is logged twice.
    [record] = caplog.records
    assert record.name == "django.dispatch"
    assert "broken" in record.getMessage()
    assert record.exc_info[1].args == ("the room above is down",)
