"""The README's 10-line receiver accepts a real delivery and refuses one signed with another
secret (the code is taken from the README as it stands)."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest

from tests.factories import WebhookFactory
from webhooks.models import Dispatch
from webhooks.services import dispatch_attempt, event_test_send

README = Path(__file__).resolve().parents[2] / "README.md"
SERVE = 'hs.HTTPServer(("", 8000), Hook).serve_forever()'

pytestmark = pytest.mark.usefixtures("private_hosts")


@pytest.fixture
def readme_receiver(monkeypatch):
    """readme_receiver(secret) serves the README's receiver on a free port; its URL."""
    servers = []

    def start(secret: str) -> str:
        server = _receiver(secret, monkeypatch)
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _receiver(secret: str, monkeypatch):
    section = README.read_text(encoding="utf-8").split("## Webhooks", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)  # type: ignore[union-attr]
    assert SERVE in code and len([line for line in code.splitlines() if line.strip()]) == 10
    monkeypatch.setenv("WEBHOOK_SECRET", secret)
    scope: dict = {}
    exec(code.replace(SERVE, ""), scope)  # noqa: S102 (our own README)
    server = scope["hs"].HTTPServer(("127.0.0.1", 0), scope["Hook"])
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.mark.parametrize(("right", "status"), [(True, 200), (False, 400)])
def test_the_readme_receiver_checks_the_signature(db, readme_receiver, right, status):
    webhook = WebhookFactory()
    webhook.url = readme_receiver(webhook.secret if right else "whsec_other")
    webhook.save(update_fields=["url"])
    dispatch = Dispatch.objects.get(event=event_test_send(webhook=webhook))
    delivery = dispatch_attempt(dispatch_id=dispatch.pk).delivery
    assert delivery is not None and delivery.status_code == status
