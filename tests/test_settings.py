"""The settings module read from the environment: production passes `check --deploy`, the
embedded broker and local cache without REDIS_URL, Redis for both with it, and the security
headers on every page (no framing, except where a view says it is built to be embedded)."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from csp.decorators import csp_replace
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.views.decorators.clickjacking import xframe_options_exempt

ROOT = Path(__file__).resolve().parent.parent
# DJANGO_ALLOW_ASYNC_UNSAFE: the browser tests set it in this process for Playwright.
SERVICE_VARIABLES = (
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_DEBUG",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def run_django(code: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh Python with the given environment (and no inherited services).

    The tests that only do this are marked pure: the run's own database and Redis play no
    part in them, so tests/runner.py's PostgreSQL + Redis pass need not run them again."""
    base = {k: v for k, v in os.environ.items() if k not in SERVICE_VARIABLES}
    base.update({"DJANGO_SETTINGS_MODULE": "quizbuilder.settings", "DATA_DIR": str(tmp_path)})
    base.update(env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_env() -> dict[str, str]:
    return {
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "quiz.example.com",
        "SITE_URL": "https://quiz.example.com",
        "DATABASE_URL": "postgres://quiz:secret@db.example.com:5432/quiz",
        "REDIS_URL": "redis://cache.example.com:6379/0",
    }


SHOW = """
import json, django
django.setup()
from django.conf import settings
from quizbuilder.celery import app
print(json.dumps({
    "broker": app.conf.broker_url,
    "backend": app.conf.result_backend,
    "transport": app.conf.broker_transport_options,
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"].get("LOCATION"),
    "db_engine": settings.DATABASES["default"]["ENGINE"],
    "db_name": str(settings.DATABASES["default"]["NAME"]),
    "eager": app.conf.task_always_eager,
}))
"""


def run_manage(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`python manage.py <args>` as an operator runs it: only the given variables set."""
    return run_django(
        "import sys; from django.core.management import execute_from_command_line;"
        f"execute_from_command_line(['manage.py', *{list(args)!r}])",
        tmp_path,
        **env,
    )


@pytest.mark.parametrize("debug", ["false", None], ids=["DJANGO_DEBUG=false", "unset"])
@pytest.mark.pure
def test_production_settings_pass_the_deploy_check(tmp_path, debug):
    env = production_env()
    if debug is None:
        del env["DJANGO_DEBUG"]
    else:
        env["DJANGO_DEBUG"] = debug

    done = run_manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **env)

    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == "System check identified no issues (0 silenced)."


SHOW_DEBUG = "from django.conf import settings; print(settings.DEBUG, settings.SECRET_KEY[:16])"


@pytest.mark.pure
def test_a_deployment_that_forgets_django_debug_is_not_in_debug(tmp_path):
    key = secrets.token_urlsafe(64)

    done = run_manage(tmp_path, "shell", "--no-imports", "-c", SHOW_DEBUG, DJANGO_SECRET_KEY=key)

    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", key[:16]]


@pytest.mark.pure
def test_debug_and_the_development_key_only_when_django_debug_is_true(tmp_path):
    done = run_manage(tmp_path, "shell", "--no-imports", "-c", SHOW_DEBUG, DJANGO_DEBUG="true")

    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "django-insecure-"]


NO_KEY = (
    "Quizbuilder: DJANGO_SECRET_KEY is not set. In production set it to a long random value "
    "(python -c 'import secrets; print(secrets.token_urlsafe(64))'); for development set "
    "DJANGO_DEBUG=true (make run does), which uses a development key.\n"
)


@pytest.mark.parametrize("debug", ["false", None], ids=["DJANGO_DEBUG=false", "unset"])
@pytest.mark.pure
def test_without_debug_or_a_key_it_refuses_to_start_with_one_clear_sentence(tmp_path, debug):
    env = {} if debug is None else {"DJANGO_DEBUG": debug}

    checked = run_manage(tmp_path, "check", **env)
    served = run_django("import quizbuilder.wsgi", tmp_path, **env)

    for done in (checked, served):
        assert done.returncode == 1
        assert done.stderr == NO_KEY  # no traceback
        assert done.stdout == ""


@pytest.mark.pure
def test_the_development_key_is_flagged_by_the_deploy_check(tmp_path):
    env = production_env()
    env["DJANGO_DEBUG"] = "true"

    done = run_django(
        "from django.core.management import execute_from_command_line;"
        "execute_from_command_line(['manage.py', 'check', '--deploy'])",
        tmp_path,
        **{k: v for k, v in env.items() if k != "DJANGO_SECRET_KEY"},
    )

    assert "security.W009" in done.stderr
    assert "security.W018" in done.stderr  # DEBUG


@pytest.mark.pure
def test_without_redis_the_broker_is_the_filesystem_in_data_dir_and_the_cache_local(tmp_path):
    done = run_django(SHOW, tmp_path, DJANGO_DEBUG="true")

    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert shown["broker"] == "qbfs://localhost/"  # kombu filesystem transport, atomic writes
    assert shown["backend"] is None
    assert shown["transport"]["data_folder_in"] == str(tmp_path / "broker" / "in")
    assert shown["transport"]["data_folder_out"] == str(tmp_path / "broker" / "in")
    assert (tmp_path / "broker" / "in").is_dir()
    assert shown["cache"] == "quizbuilder.cache.LocalMemoryCache"
    assert shown["db_engine"] == "django.db.backends.sqlite3"
    assert shown["db_name"] == str(tmp_path / "quizbuilder.sqlite3")
    assert shown["eager"] is False


@pytest.mark.pure
def test_with_redis_url_the_broker_results_and_cache_are_redis(tmp_path):
    done = run_django(
        SHOW,
        tmp_path,
        DJANGO_DEBUG="true",
        REDIS_URL="redis://127.0.0.1:6379/3",
        DATABASE_URL="postgres://quiz:secret@127.0.0.1:5432/quiz",
    )

    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    # quizbuilder/redisbroker.py: kombu's Redis transport that survives an outage.
    assert shown["broker"] == "qbredis://127.0.0.1:6379/3"
    assert shown["backend"] == "redis://127.0.0.1:6379/3"
    assert shown["cache"] == "quizbuilder.cache.ResilientRedisCache"  # misses when Redis is down
    assert shown["cache_location"] == "redis://127.0.0.1:6379/3"
    assert shown["db_engine"] == "quizbuilder.postgres"  # Django's, health-checked when idle
    assert shown["db_name"] == "quiz"
    assert not (tmp_path / "broker").exists()
    assert shown["eager"] is False


# Headers


@pytest.mark.parametrize("url", ["/", "/accounts/login/"])
def test_pages_forbid_framing_and_carry_a_content_security_policy(db, client, url):
    response = client.get(url)

    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    directives = [
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    ]
    policy = {name: value for name, value in directives}
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"


@xframe_options_exempt
@csp_replace({"frame-ancestors": ["https:"]})
def embeddable(request: HttpRequest) -> HttpResponse:
    return HttpResponse("embedded")


def ordinary(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ordinary")


urlpatterns = [path("embed/", embeddable, name="embed"), path("page/", ordinary, name="page")]


@pytest.mark.urls("tests.test_settings")
def test_the_documented_embed_decorators_allow_framing_on_that_view_only(client):
    embedded = client.get(reverse("embed"))
    page = client.get(reverse("page"))

    assert "X-Frame-Options" not in embedded
    assert "frame-ancestors https:" in embedded["Content-Security-Policy"]
    assert page["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
