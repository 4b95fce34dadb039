"""English and Simplified Chinese: the browser's language is honoured, the header's switcher
changes it, and the Chinese catalogue is complete."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

CATALOGUES = sorted(
    p
    for p in Path(settings.BASE_DIR).glob("**/locale/zh_Hans/LC_MESSAGES")
    if ".venv" not in p.parts and "var" not in p.parts
)


def test_a_browser_asking_for_chinese_gets_the_interface_in_chinese(db, client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9,en;q=0.8")

    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "隐私" in html  # the footer's "Privacy"
    assert "编辑登录" in html  # the footer's "Editor login"
    assert "Editor login" not in html


def test_english_is_the_default(db, client):
    html = client.get("/").content.decode()

    assert '<html lang="en">' in html
    assert "Editor login" in html
    assert "隐私" not in html


def test_the_switcher_sets_the_language_and_returns_to_the_page(db, client):
    page = client.get(reverse("account_login")).content.decode()
    assert 'name="language" value="zh-hans"' in page  # the header's switcher button

    response = client.post(
        reverse("set_language"), {"language": "zh-hans", "next": reverse("account_login")}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    chinese = client.get(reverse("account_login")).content.decode()
    assert "<h1>编辑登录</h1>" in chinese
    assert 'name="language" value="en"' in chinese  # and back to English from there
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "<h1>Editor login</h1>" in client.get(reverse("account_login")).content.decode()


def test_allauth_pages_are_translated_too(db, client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    html = client.get(reverse("account_reset_password")).content.decode()

    assert "密码重置" in html  # allauth's own catalogue


def msgstrs(entry: str) -> list[str]:
    """The msgstr (or msgstr[n]) texts of one .po entry, continuation lines joined."""
    texts: list[list[str]] = []
    current: list[str] | None = None
    for line in entry.splitlines():
        if line.startswith("msgstr"):
            current = [line.split(" ", 1)[1]]
            texts.append(current)
        elif line.startswith("msgid"):
            current = None
        elif line.startswith('"') and current is not None:
            current.append(line)
    return ["".join(part[1:-1] for part in text) for text in texts]


@pytest.mark.parametrize("folder", CATALOGUES, ids=lambda p: str(p.parents[2].name or "locale"))
def test_every_string_of_the_chinese_catalogues_is_translated(folder):
    po = (folder / "django.po").read_text(encoding="utf-8")
    entries = [e for e in po.split("\n\n")[1:] if "msgid" in e]  # [0] is the header

    untranslated = [e for e in entries if not all(msgstrs(e))]
    fuzzy = [e for e in entries if "#, fuzzy" in e]

    assert len(entries) > 50
    assert untranslated == []
    assert fuzzy == []
    assert (folder / "django.mo").is_file()


def test_the_project_catalogue_exists():
    assert Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" in CATALOGUES
