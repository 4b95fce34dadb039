"""The editors' stats page for people: rates as percentages, questions by their prompt,
channels by their names (in the page's language), a "how to read this" link per figure to its
reading, and a CSV per table with cells a spreadsheet will not run as formulas."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest
from django.test import Client

from quizzes.models import Quiz
from sharing.models import ShareKind
from tests.sharing.stats.test_stats import TODAY, Events, at

URL = "/editor/quizzes/which-morning-drink/stats/"


@pytest.fixture
def history(published_quiz):
    """Two completions, one shared by WeChat and clicked once, which brought a third."""
    events = Events(published_quiz)
    first = events.result(at(TODAY), answers=("alarm", "weekend"))
    events.result(at(TODAY), outcome="latte", answers=("alarm",))
    share = events.share(first, "wechat", at(TODAY), kind=ShareKind.BUTTON)
    events.click(share, "friend", at(TODAY))
    events.result(at(TODAY), referred_by=share, depth=1, answers=("alarm", "weekend", "music"))
    return events


@pytest.fixture
def staff(editor):
    client = Client()
    client.force_login(editor)
    return client


def figure(html: str, name: str) -> str:
    found = re.search(rf'data-figure="{name}"><span[^>]*>[^<]*</span><b>([^<]*)</b>', html)
    assert found, name
    return found.group(1)


def csv_of(staff: Client, table: str) -> list[list[str]]:
    response = staff.get(f"{URL}?format=csv&table={table}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"-{table}-" in response["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_rates_are_percentages(history, staff):
    html = staff.get(URL).content.decode()
    # 3 starts, 3 completions; 1 of 3 shared; 1 referred completion of 1 click.
    assert figure(html, "completion_rate") == "100%"
    assert figure(html, "share_rate") == "33.3%"
    assert figure(html, "click_to_completion") == "100%"
    assert figure(html, "viral_coefficient") == "0.33"  # as the dashboard shows it


def test_an_optional_question_left_blank_is_passed_not_a_drop_off(history, staff):
    # The demo's last question (the name, a text question: optional) answered by nobody,
    # while all three takes completed: nobody left there.
    html = staff.get(URL).content.decode()
    row = re.search(r'<tr data-question="name">(.*?)</tr>', html).group(1)
    assert re.findall(r'<td class="num">([^<]*)</td>', row) == ["1", "0", "–"]
    assert csv_of(staff, "questions")[-1] == ["name", "Your name, for your card", "1", "0", ""]


def test_questions_go_by_their_prompt_and_channels_by_their_name(history, staff):
    html = unescape(staff.get(URL).content.decode())
    prompts = re.findall(r'<tr data-question="(\w+)"><td lang="en" title="\w+">([^<]+)</td>', html)
    assert prompts[:2] == [
        ("alarm", "Your alarm goes off. You..."),
        ("weekend", "Perfect Saturday?"),
    ]
    assert '<text x="0" y="18" font-size="14" fill="#111827">Your alarm goes off' in html
    assert re.search(r'<tr data-channel="wechat"><td>WeChat</td>', html)


def test_channel_names_follow_the_interface_language(history, staff):
    staff.cookies["django_language"] = "zh-hans"
    html = staff.get(URL).content.decode()
    assert re.search(r'<tr data-channel="wechat"><td>微信</td>', html)


def test_each_figure_links_to_its_reading(history, staff):
    html = staff.get(URL).content.decode()
    links = re.findall(r'<a class="how small" href="#read-(\w+)" aria-describedby="f-(\w+)">', html)
    assert len(links) == 16 and all(a == b for a, b in links)
    for target, _ in links:
        assert f'id="f-{target}"' in html  # what the link describes itself by
        assert re.search(
            rf'<div id="read-{target}" tabindex="-1"><dt>[^<]+</dt><dd>[^<]+</dd>', html
        )


def test_each_table_downloads_as_csv(history, staff):
    assert csv_of(staff, "channels") == [
        ["channel", "name", "shares", "clicks", "referred_completions"],
        ["wechat", "WeChat", "1", "1", "1"],
    ]
    outcomes = csv_of(staff, "outcomes")
    assert outcomes[0] == [
        "outcome",
        "title",
        "completions",
        "shares",
        "clicks",
        "referred_completions",
    ]
    assert ["espresso", "Espresso", "2", "1", "1", "1"] in outcomes
    assert csv_of(staff, "questions")[:3] == [
        ["question", "prompt", "reached", "answered", "drop_off"],
        ["alarm", "Your alarm goes off. You...", "3", "3", ""],
        ["weekend", "Perfect Saturday?", "3", "2", "0.3333"],
    ]
    days = staff.get(f"{URL}?format=csv&table=days").content.decode()
    assert days.startswith("date,views,completions,shares,clicks,referred_completions\r\n")
    html = staff.get(URL).content.decode()
    for table in ("days", "channels", "outcomes", "questions"):
        assert f"format=csv&amp;table={table}" in html
    assert staff.get(f"{URL}?format=csv&table=secrets").status_code == 404


def test_a_csv_cell_never_runs_as_a_formula(history, staff):
    version = Quiz.objects.get(slug="which-morning-drink").live_version
    definition = version.definition
    definition["questions"][0]["prompt"] = '=HYPERLINK("http://evil","x"), "quoted"'
    definition["outcomes"][0]["title"] = "@SUM(1+1)"
    version.definition = definition
    version.save(update_fields=["definition"])
    questions = csv_of(staff, "questions")
    assert questions[1][1] == '\'=HYPERLINK("http://evil","x"), "quoted"'
    outcomes = {row[0]: row[1] for row in csv_of(staff, "outcomes")[1:]}
    assert outcomes["espresso"] == "'@SUM(1+1)"  # outcomes[0]
    assert outcomes["latte"] == "Latte"


def test_the_csv_is_for_editors_who_see_the_quiz_only(history, other_author):
    assert Client().get(f"{URL}?format=csv&table=channels").status_code == 302
    client = Client()
    client.force_login(other_author)
    assert client.get(f"{URL}?format=csv&table=questions").status_code == 404
