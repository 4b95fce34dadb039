"""A share tree generated from a seed, and the stats it must produce (stats.md, to the unit).

`plan_make(seed=..., visitors=..., questions=...)` decides every visitor's script up front:
root visitors open the quiz (page or API, some reload, some bots fetch it too), some start and
drop out (answers posted one by one), the others complete (some double submit, a few retake,
a few send a bogus ref); some share on one to three channels (a repeated channel, the `link`
default), open their own link, or try to share somebody else's result; each share link brings
preview bots (a missing User-Agent among them) and friends who click it as browsers (some
reload), and most of those friends complete referred (ref in the body or only the ref cookie)
and share on, several levels deep, until the visitor budget is spent. A few requests (a click
reloaded, a response, a share) are sent twice at once, as a double tap does.

`Truth` is what stats.md says those requests must count, kept from the answers the server
gave (a result's id and outcome, a share's code): benchmarks/shareplay.py records each
request's effect in it, and `Truth.expected()` is the stats body to compare, figure by figure,
with `GET /api/quizzes/<slug>/stats/` (`compare`).
"""

from __future__ import annotations

import datetime as dt
import heapq
import random
import threading
from dataclasses import dataclass, field
from typing import Any

CHANNELS = [
    "native",
    "copy",
    "qr",
    "whatsapp",
    "telegram",
    "x",
    "facebook",
    "line",
    "weibo",
    "wechat",
    "email",
    "other",
]
BOTS = [
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "WhatsApp/2.23.20.0 A",
    "TelegramBot (like TwitterBot)",
    "Twitterbot/1.0",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
    "",  # no User-Agent at all: a preview too
]
BROWSERS = [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 15) AppleWebKit/537.36 Chrome/140 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/140 Safari/537.36",
]
CHANNEL_FIELDS = ("shares", "clicks", "referred_completions")
OUTCOME_FIELDS = ("completions", "shares", "clicks", "referred_completions")
TWINS = ("land", "complete", "share")
DAY_FIELDS = ("views", "completions", "shares", "clicks", "referred_completions")


@dataclass
class Visitor:
    vid: int
    level: int
    agent: str
    script: list[tuple[Any, ...]]
    gaps: list[float]  # seconds before each action (the first: after arrival)
    via: tuple[int, str] | None = None  # (owner, channel) of the link that brought them


@dataclass
class Plan:
    visitors: dict[int, Visitor]
    roots: list[tuple[float, int]]  # (arrival in seconds, vid)
    friends: dict[tuple[int, str], list[tuple[float, int]]]  # share -> (delay, friend)
    bots: dict[tuple[int, str], list[tuple[float, str]]]  # share -> (delay, User-Agent)


def _take(rng: random.Random) -> str:
    return "".join(
        rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789") for _ in range(22)
    )


def _answers(rng: random.Random, questions: list[dict[str, Any]], vid: int) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for q in questions:
        if q.get("choices"):
            answers[q["key"]] = rng.choice(q["choices"])["key"]
        elif q["type"] == "text" and rng.random() < 0.7:  # optional: some leave it empty
            answers[q["key"]] = f"Visitor {vid}"
    return answers


def _take_steps(rng: random.Random, questions: list[dict[str, Any]], vid: int, ref: str) -> list:
    """The steps of one take: a few answers posted one by one, then the response (or not)."""
    take = _take(rng)
    keys = [q["key"] for q in questions]
    steps: list[tuple[Any, ...]] = []
    if rng.random() < 0.3:
        steps += [("answer", take, k) for k in keys[: rng.randint(1, min(2, len(keys)))]]
    if steps and rng.random() < 0.35:
        return steps  # dropped out
    steps.append(("complete", take, _answers(rng, questions, vid), ref))
    if rng.random() < 0.05:
        steps.append(("complete", take, _answers(rng, questions, vid), ref))  # double submit
    return steps


def _script(rng: random.Random, questions: list, vid: int, friend: bool) -> list:
    steps: list[tuple[Any, ...]] = []
    if friend:
        steps.append(("land",))
        if rng.random() < 0.25:
            steps.append(("land",))  # a reload: the same click
        if rng.random() < 0.12:
            steps.append(("land_other",))  # another friend's link too: its ref is the latest
        if rng.random() < 0.3:
            return steps  # looked, left
    if rng.random() < 0.05:
        steps.append(("bot_view", rng.choice(BOTS)))
    view = rng.random()
    if view < (0.4 if friend else 0.7):
        steps += [("view_page",)] * (2 if rng.random() < 0.2 else 1)
    elif view < 0.85:
        steps.append(("view_api",))
    ref = (
        ("body" if rng.random() < 0.5 else "cookie")
        if friend
        else ("bogus" if rng.random() < 0.05 else "none")
    )
    take = _take_steps(rng, questions, vid, ref)
    steps += take
    if take[-1][0] != "complete" or rng.random() > 0.55:
        return steps
    channels = rng.sample([*CHANNELS, "link"], rng.randint(1, 3))
    steps += [("share", ch) for ch in channels]
    if rng.random() < 0.1:
        steps.append(("share", channels[0]))  # the same link again: one share
    if rng.random() < 0.1:
        steps.append(("own_land", channels[-1]))  # the owner's own click: not counted
    if friend and rng.random() < 0.1:
        steps.append(("steal",))  # the referrer's result: 403, not a share
    if rng.random() < 0.04:
        steps += _take_steps(rng, questions, vid, "own")  # a retake through their own link
    return steps


def _twins(rng: random.Random, script: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """A few requests sent twice at once (a double tap), once the visitor has a cookie: two
    cookieless requests are two visitors (a bot's fetch sets none)."""
    cookie = False
    twinned = []
    for step in script:
        twin = cookie and step[0] in TWINS and rng.random() < 0.08
        twinned.append(("twin", *step) if twin else step)
        cookie = cookie or step[0] != "bot_view"
    return twinned


def bare(step: tuple[Any, ...]) -> tuple[Any, ...]:
    """The step a double tap sends twice."""
    return step[1:] if step[0] == "twin" else step


def plan_make(*, seed: int, visitors: int, questions: list[dict[str, Any]], seconds: float) -> Plan:
    """The whole tree, the same for the same arguments. Times are seconds of the spike:
    roots arrive over its first 60%, a visitor's actions come about `seconds`/150 apart, and
    friends arrive a little after a link is shared (a few seconds apart, compressed)."""
    unit = seconds / 150
    plan = Plan(visitors={}, roots=[], friends={}, bots={})
    n_roots = max(1, int(visitors * 0.35))
    queue: list[tuple[float, int]] = []
    for vid in range(n_roots):
        arrival = random.Random(f"{seed}:arrive:{vid}").uniform(0, seconds * 0.6)
        plan.roots.append((arrival, vid))
        heapq.heappush(queue, (arrival, vid))
    _visit(plan, seed, vid=0, level=0, questions=questions, unit=unit, via=None, build=n_roots)
    next_vid = n_roots
    while queue:
        when, vid = heapq.heappop(queue)
        v = plan.visitors[vid]
        rng = random.Random(f"{seed}:links:{vid}")
        t = when
        for twin, gap in zip(v.script, v.gaps, strict=True):
            t += gap
            step = bare(twin)
            if step[0] != "share" or (vid, step[1]) in plan.friends:
                continue
            link = (vid, step[1])
            plan.bots[link] = [
                (rng.uniform(0.2, 2) * unit, rng.choice(BOTS))
                for _ in range(rng.choice([0, 0, 1, 1, 2, 3]))
            ]
            plan.friends[link] = []
            for _ in range(rng.choices([0, 1, 2, 3, 4], [30, 35, 20, 10, 5])[0]):
                if next_vid >= visitors:
                    break
                delay = rng.uniform(1, 5) * unit
                plan.friends[link].append((delay, next_vid))
                _visit(
                    plan,
                    seed,
                    vid=next_vid,
                    level=v.level + 1,
                    questions=questions,
                    unit=unit,
                    via=link,
                )
                heapq.heappush(queue, (t + delay, next_vid))
                next_vid += 1
    return plan


def _visit(
    plan: Plan,
    seed: int,
    *,
    vid: int,
    level: int,
    questions: list,
    unit: float,
    via: tuple[int, str] | None,
    build: int = 1,
) -> None:
    for v in range(vid, vid + build):
        rng = random.Random(f"{seed}:visitor:{v}")
        script = _twins(rng, _script(rng, questions, v, friend=via is not None))
        gaps = [rng.uniform(0.5, 1.5) * unit for _ in script]
        plan.visitors[v] = Visitor(v, level, rng.choice(BROWSERS), script, gaps, via)


# --- what the stats must say -----------------------------------------------------------------


@dataclass
class Truth:
    """The effects stats.md gives the requests that were answered (recorded by the player)."""

    views: set[tuple[int, str]] = field(default_factory=set)  # (visitor, day)
    takes: dict[str, str | None] = field(default_factory=dict)  # take -> its result
    answered: set[tuple[str, str]] = field(default_factory=set)  # (take, question)
    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    shares: dict[str, dict[str, Any]] = field(default_factory=dict)  # code -> its link
    counted: dict[tuple[str, str], str] = field(default_factory=dict)  # (result, ch) -> day
    clicks: dict[tuple[str, int], str] = field(default_factory=dict)  # (code, visitor) -> day
    previews: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def referrer(self, code: str | None, vid: int) -> dict[str, Any] | None:
        """The link that refers a completion by `vid` sent with `code` (api.md)."""
        link = self.shares.get(code or "")
        if link is None or link["owner"] == vid:
            return None
        return link

    def expected(self, outcomes: list[str], questions: list[str]) -> dict[str, Any]:
        body: dict[str, Any] = {"views": len(self.views), "starts": len(self.takes)}
        done = self.results.values()
        shared = {rid for rid, _ch in self.counted}
        referred = [r for r in done if r["via"] is not None]
        body.update(
            completions=len(done),
            shares=len(self.counted),
            previews=self.previews,
            clicks=len(self.clicks),
            referred_completions=len(referred),
            max_depth=max((r["depth"] for r in done), default=0),
        )
        ratio = lambda a, b: round(a / b, 4) if b else 0.0  # noqa: E731
        body["completion_rate"] = ratio(body["completions"], body["starts"])
        body["share_rate"] = ratio(len(shared & set(self.results)), body["completions"])
        body["click_to_completion"] = ratio(len(referred), body["clicks"])
        body["viral_coefficient"] = ratio(len(referred), body["completions"])
        by_channel: dict[str, dict[str, int]] = {}
        by_outcome = {k: dict.fromkeys(OUTCOME_FIELDS, 0) for k in outcomes}
        days: dict[str, dict[str, int]] = {}

        def bump(link: dict[str, Any] | None, what: str, day: str, outcome: str = "") -> None:
            if link is not None:
                by_channel.setdefault(link["channel"], dict.fromkeys(CHANNEL_FIELDS, 0))
                by_channel[link["channel"]][what] += 1
                outcome = link["outcome"]
            by_outcome.setdefault(outcome, dict.fromkeys(OUTCOME_FIELDS, 0))[what] += 1
            days.setdefault(day, dict.fromkeys(DAY_FIELDS, 0))[what] += 1

        for (rid, ch), day in self.counted.items():
            bump(
                next(s for s in self.shares.values() if s["result"] == rid and s["channel"] == ch),
                "shares",
                day,
            )
        for (code, _vid), day in self.clicks.items():
            bump(self.shares[code], "clicks", day)
        for r in done:
            bump(None, "completions", r["day"], r["outcome"])
            if r["via"] is not None:
                bump(self.shares[r["via"]], "referred_completions", r["day"])
        for _vid, day in self.views:
            days.setdefault(day, dict.fromkeys(DAY_FIELDS, 0))["views"] += 1
        body["by_channel"] = by_channel
        body["by_outcome"] = by_outcome
        body["by_question"] = [
            {"key": k, "answered": sum(1 for _t, q in self.answered if q == k)} for k in questions
        ]
        body["by_day"] = days
        return body


def today() -> str:
    return dt.datetime.now(dt.UTC).date().isoformat()


def compare(expected: dict[str, Any], got: dict[str, Any]) -> list[tuple[str, Any, Any, bool]]:
    """(figure, expected, got, equal) for every figure of stats.md; rows of the tables too."""
    rows: list[tuple[str, Any, Any, bool]] = []
    for key in (
        "views",
        "starts",
        "completions",
        "completion_rate",
        "shares",
        "share_rate",
        "previews",
        "clicks",
        "referred_completions",
        "click_to_completion",
        "viral_coefficient",
        "max_depth",
    ):
        rows.append((key, expected[key], got.get(key), expected[key] == got.get(key)))
    got_channels = got.get("by_channel") or {}
    for ch in sorted(set(expected["by_channel"]) | set(got_channels)):
        want = expected["by_channel"].get(ch, dict.fromkeys(CHANNEL_FIELDS, 0))
        have = {f: (got_channels.get(ch) or {}).get(f) for f in CHANNEL_FIELDS}
        rows.append((f"by_channel.{ch}", _short(want), _short(have), want == have))
    got_outcomes = got.get("by_outcome") or {}
    for key in sorted(set(expected["by_outcome"]) | set(got_outcomes)):
        want = expected["by_outcome"].get(key, dict.fromkeys(OUTCOME_FIELDS, 0))
        have = {f: (got_outcomes.get(key) or {}).get(f) for f in OUTCOME_FIELDS}
        rows.append((f"by_outcome.{key}", _short(want), _short(have), want == have))
    want_q = expected["by_question"]
    have_q = [{"key": r["key"], "answered": r["answered"]} for r in got.get("by_question") or []]
    rows.append(("by_question", _short_q(want_q), _short_q(have_q), want_q == have_q))
    got_days = {r["date"]: r for r in got.get("by_day") or []}
    for day in sorted(set(expected["by_day"]) | {d for d, r in got_days.items() if _any(r)}):
        want = expected["by_day"].get(day, dict.fromkeys(DAY_FIELDS, 0))
        have = {f: got_days.get(day, {}).get(f) for f in DAY_FIELDS}
        rows.append((f"by_day.{day}", _short(want), _short(have), want == have))
    return rows


def _any(row: dict[str, Any]) -> bool:
    return any(row.get(f) for f in DAY_FIELDS)


def _short(row: dict[str, Any]) -> str:
    return "/".join(str(v) for v in row.values())


def _short_q(rows: list[dict[str, Any]]) -> str:
    return " ".join(f"{r['key']}:{r['answered']}" for r in rows)
