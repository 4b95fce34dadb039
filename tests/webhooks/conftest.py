from __future__ import annotations

import socket

import pytest

from accounts.tokens import token_create

SLUG = "which-morning-drink"


@pytest.fixture
def quiz(publish):
    return publish(SLUG).quiz


@pytest.fixture
def token(editor) -> str:
    return token_create(user=editor)[1]


@pytest.fixture
def enqueued(monkeypatch) -> list[int]:
    """The dispatch ids whose delivery task was enqueued (on commit)."""
    sent: list[int] = []
    monkeypatch.setattr(
        "webhooks.services.task_enqueue", lambda task, dispatch_id: sent.append(dispatch_id)
    )
    return sent


@pytest.fixture
def private_hosts(settings):
    """A receiver on 127.0.0.1 (the tests' own) may receive webhooks."""
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = True


@pytest.fixture
def resolver(monkeypatch):
    """resolver({"hooks.example.com": "127.0.0.1"}): host names resolve to these addresses
    (any other name does not resolve)."""

    def install(names: dict[str, str]) -> None:
        def getaddrinfo(host, port, *args, **kwargs):
            if host not in names:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
            family = socket.AF_INET6 if ":" in names[host] else socket.AF_INET
            return [(family, socket.SOCK_STREAM, 6, "", (names[host], port))]

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)

    return install
