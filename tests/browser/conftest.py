"""Browser tests: Playwright driving Debian's Chromium (it cannot download browsers here)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import roles_restore

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path("/tmp/shots")
PHONE_UA = (
    "Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/140.0 Mobile Safari/537.36"
)


@pytest.fixture(autouse=True)
def _roles(transactional_db):
    # A transactional test flushes the tables, the roles made by a data migration included.
    roles_restore()


@pytest.fixture(scope="session")
def chromium():
    # Playwright's sync API runs an event loop in this thread, which Django's ORM would
    # otherwise refuse to be called from; the flag is dropped again afterwards so that it
    # never leaks into subprocesses (the deploy check refuses it).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            yield browser
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def browser(chromium):
    return chromium
