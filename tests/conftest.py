"""Shared fixtures: the personas (an author, an editor, a visitor and the visitor's friend)
and published quizzes built from the demo files through the real importer."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client

from quizbuilder import cache as resilient
from tests.factories import UserFactory
from tests.workers import RedisServer, redis_server

ROOT = Path(__file__).resolve().parent.parent
DEMO_DIR = ROOT / "quizzes" / "demo"
SPEC_EXAMPLES = ROOT / "tests" / "data" / "spec-examples"
IN_CI = os.environ.get("CI", "").lower() == "true"


# What a test that touches the database asks for (directly or through its fixtures).
DB_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "live_server", "admin_user"}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--skip-pure",
        action="store_true",
        help="deselect the tests marked pure that use no database (tests/runner.py's second "
        "pass: on PostgreSQL and Redis they would run the very same code again)",
    )


@pytest.hookimpl(tryfirst=True)  # before `-m "not browser"` deselects by the marker
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Every test under tests/browser drives Chromium: marked here, so the second pass
    # (tests/runner.py: -m "not browser") never runs one again, whatever its file says.
    for item in items:
        if "browser" in item.path.parts[-2:-1]:
            item.add_marker(pytest.mark.browser)
    if not config.getoption("--skip-pure"):
        return
    keep, skip = [], []
    for item in items:
        uses_db = item.get_closest_marker("django_db") is not None or bool(
            DB_FIXTURES & set(getattr(item, "fixturenames", ()))
        )
        # A test of a pure module that still reaches the database runs on PostgreSQL too.
        pure = item.get_closest_marker("pure") is not None and not uses_db
        (skip if pure else keep).append(item)
    if skip:
        config.hook.pytest_deselected(items=skip)
        items[:] = keep


def demo_data(slug: str) -> dict:
    for folder in (DEMO_DIR, SPEC_EXAMPLES):
        path = folder / f"{slug}.json"
        if path.exists():
            return json.loads(path.read_text(encoding="utf-8"))
    raise LookupError(slug)


def demo_files() -> list[Path]:
    return sorted(DEMO_DIR.glob("*.json"))


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    # Every test gets its own media folder, an empty cache and no rate limits unless it asks.
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.RATELIMIT_ENABLED = False
    cache.clear()
    yield
    cache.clear()


# A Redis of the test's own, which it may stop and start (tests/test_faults_redis.py).


@contextmanager
def own_redis_server(folder: Path) -> Iterator[RedisServer]:
    """A redis-server on a free port with its files in `folder` (tests/workers.py), never
    the shared one, in both suite runs. Skips the test where redis-server is not installed
    (fails it under CI=true)."""
    if shutil.which("redis-server") is None:
        if IN_CI:
            pytest.fail("redis-server is not installed (required under CI=true)")
        pytest.skip("redis-server is not installed")
    with redis_server(folder) as server:
        yield server


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """This test's own redis-server (`own_redis_server`)."""
    with own_redis_server(tmp_path / "redis") as server:
        yield server


@pytest.fixture
def redis_cache(
    own_redis: RedisServer, settings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[RedisServer]:
    """The settings.py cache, on `own_redis`, retried quickly after a failure."""
    settings.CACHES = {
        "default": {
            "BACKEND": "quizbuilder.cache.ResilientRedisCache",
            "LOCATION": own_redis.url,
            "KEY_PREFIX": "qb",
            "OPTIONS": {
                "socket_connect_timeout": settings.CACHE_SOCKET_TIMEOUT,
                "socket_timeout": settings.CACHE_SOCKET_TIMEOUT,
            },
        }
    }
    monkeypatch.setattr(resilient, "RETRY_SECONDS", 0.3)
    yield own_redis
    if own_redis.process is None:
        own_redis.start()  # so that the autouse fixture's cache.clear() finds it


def roles_restore() -> None:
    """Make the role groups again, with their permissions: flushing a transactional test
    removes the rows the data migration made."""
    import importlib

    from django.contrib.auth.models import Permission

    roles = importlib.import_module("accounts.migrations.0002_roles").ROLES
    for name, perms in roles.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, model, actions in perms:
            codenames = [f"{action}_{model}" for action in actions]
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=app_label, codename__in=codenames
                )
            )


@pytest.fixture
def roles(transactional_db):
    roles_restore()


def role(name: str) -> Group:
    group = Group.objects.filter(name=name).first()
    if group is None:  # flushed by an earlier transactional test
        roles_restore()
        group = Group.objects.get(name=name)
    return group


@pytest.fixture
def editor(db):
    user = UserFactory(username="erin", email="erin@example.com")
    user.groups.add(role("Editors"))
    return user


@pytest.fixture
def author(db):
    user = UserFactory(username="alice", email="alice@example.com")
    user.groups.add(role("Authors"))
    return user


@pytest.fixture
def other_author(db):
    user = UserFactory(username="bob", email="bob@example.com")
    user.groups.add(role("Authors"))
    return user


@pytest.fixture
def visitor() -> Client:
    return Client(HTTP_USER_AGENT="Mozilla/5.0 (iPhone; CPU iPhone OS 18_0) Mobile Safari")


@pytest.fixture
def friend() -> Client:
    return Client(HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 15) Chrome/140 Mobile Safari")


@pytest.fixture
def publish(editor):
    """publish("which-morning-drink") imports a demo or spec quiz and publishes it."""
    from quizzes.authoring.services import quiz_import

    def _publish(slug: str, **changes):
        data = demo_data(slug)
        data.update(changes)
        return quiz_import(data=data, user=editor, publish=True)

    return _publish


# Editors' accounts (tests/accounts/).


@pytest.fixture(autouse=True)
def _accounts_defaults(settings):
    # A fast hasher in tests (Django's docs, "Speeding up the tests"): PBKDF2 makes every
    # UserFactory and every login cost a noticeable fraction of a second.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Production sends staff without an authenticator from /admin/ to the MFA set-up page;
    # tests/accounts/test_mfa.py turns it back on where that is what it tests.
    settings.MFA_REQUIRED_FOR_STAFF = False
