"""Play a share tree (benchmarks/sharetree.py) against running web servers, recording what
each answered request must count in a `Truth`, and each request's latency by path.

Virtual users are threads with keep-alive `http.client` connections; each visitor has its own
cookie jar; requests go round robin over the servers given (two gunicorns = two web
processes). A visitor's actions run in order, about `seconds`/150 apart; a share link's
friends and bots arrive once the link exists. At the deadline nothing new starts (the truth
holds only what was answered); the sampled results' cards are polled until ready.
"""

from __future__ import annotations

import heapq
import http.client
import itertools
import json
import random
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from benchmarks.sharetree import Plan, Truth, today

BOGUS_REF = "nosuchcode42"
PATHS = (
    "quiz page",
    "quiz API",
    "answer POST",
    "response POST",
    "share POST",
    "share page click",
    "share page bot",
    "result poll",
)


@dataclass
class State:
    """One visitor as the player knows them: cookies, results, links, the last link clicked."""

    jar: dict[str, str] = field(default_factory=dict)
    results: list[str] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)  # channel -> code
    ref: str | None = None  # the ref cookie: the last share page they were counted on


class Player:
    """Virtual users playing a plan; `truth`, `latency`, `card_ready` and `errors` after `run`."""

    def __init__(
        self, plan: Plan, bases: list[str], slug: str, *, threads: int = 32, poll_every: int = 5
    ) -> None:
        self.plan, self.bases, self.slug = plan, bases, slug
        self.threads, self.poll_every = threads, poll_every
        self.truth = Truth()
        self.states: dict[int, State] = defaultdict(State)
        self.codes: dict[tuple[int, str], str] = {}  # (owner, channel) -> code
        self.latency: dict[str, list[float]] = {p: [] for p in PATHS}
        self.card_ready: list[float] = []
        self.card_failed = self.card_sampled = 0
        self.errors: list[str] = []
        self.played: set[int] = set()
        self._rr = itertools.count()
        self._heap: list[tuple[float, int, tuple[Any, ...]]] = []
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._stop = self._finished = False
        self._busy = self._visiting = 0  # tasks in flight, and those that are not polls
        self._local = threading.local()
        self._completions = 0

    # --- the schedule ------------------------------------------------------------------------

    def push(self, due: float, task: tuple[Any, ...]) -> None:
        with self._cond:
            if self._stop and task[0] != "poll":
                return  # past the deadline: not played
            heapq.heappush(self._heap, (due, next(self._seq), task))
            self._cond.notify()

    def _next(self) -> tuple[Any, ...] | None:
        with self._cond:
            while not self._finished:
                if self._heap and self._heap[0][0] <= time.monotonic():
                    _due, _seq, task = heapq.heappop(self._heap)
                    self._busy += 1
                    self._visiting += task[0] != "poll"
                    return task
                wait = self._heap[0][0] - time.monotonic() if self._heap else 0.5
                self._cond.wait(timeout=max(0.001, min(wait, 0.5)))
            return None

    def _loop(self) -> None:
        while (task := self._next()) is not None:
            try:
                getattr(self, f"_do_{task[0]}")(*task[1:])
            except Exception as exc:  # a failed request leaves the truth unknown: reported
                self.errors.append(f"{task[0]} {task[1:3]}: {exc!r}")
            finally:
                with self._cond:
                    self._busy -= 1
                    self._visiting -= task[0] != "poll"
                    self._cond.notify_all()

    def run(self, seconds: float, drain: float = 120.0) -> float:
        """Play for `seconds`, then let the requests in flight end and the sampled cards get
        ready (at most `drain` seconds). Returns the spike's length in seconds."""
        start = time.monotonic()
        for arrival, vid in self.plan.roots:
            self.push(start + arrival, ("step", vid, 0))
        workers = [threading.Thread(target=self._loop, daemon=True) for _ in range(self.threads)]
        for w in workers:
            w.start()
        while time.monotonic() < start + seconds and not self._idle():
            time.sleep(0.1)
        with self._cond:
            self._stop = True  # past the deadline nothing new starts: not played
            self._heap = [item for item in self._heap if item[2][0] == "poll"]
            heapq.heapify(self._heap)
        while self._visiting and time.monotonic() < start + seconds + drain:
            time.sleep(0.05)
        spike = time.monotonic() - start
        until = time.monotonic() + drain
        while not self._idle() and time.monotonic() < until:
            time.sleep(0.1)
        with self._cond:
            self._finished = True
            self._cond.notify_all()
        for w in workers:
            w.join(timeout=30)
        return spike

    def _idle(self) -> bool:
        with self._cond:
            return not self._heap and not self._busy

    # --- HTTP ---------------------------------------------------------------------------------

    def request(
        self,
        label: str,
        method: str,
        path: str,
        *,
        agent: str | None,
        jar: dict[str, str] | None,
        body: dict[str, Any] | None = None,
        keep: bool = True,
    ) -> tuple[int, dict[str, Any] | None]:
        base = self.bases[next(self._rr) % len(self.bases)]
        conns = self._local.__dict__.setdefault("conns", {})
        if base not in conns:
            url = urlparse(base)
            conns[base] = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
        headers = {"Accept": "application/json" if path.startswith("/api/") else "text/html"}
        if agent:
            headers["User-Agent"] = agent
        if jar:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        t0 = time.perf_counter()
        try:
            conns[base].request(method, path, body=data, headers=headers)
            response = conns[base].getresponse()
            raw = response.read()
        except Exception:
            conns.pop(base).close()
            raise
        self.latency[label].append((time.perf_counter() - t0) * 1000)
        if jar is not None and keep:
            for cookie in response.headers.get_all("Set-Cookie") or []:
                name, _, value = cookie.split(";", 1)[0].partition("=")
                jar[name.strip()] = value.strip()
        if response.status >= 500:
            raise RuntimeError(f"{method} {path}: {response.status}")
        is_json = response.headers.get("Content-Type", "").startswith("application/json")
        return response.status, (json.loads(raw) if is_json and raw else None)

    # --- the tasks ----------------------------------------------------------------------------

    def _do_step(self, vid: int, i: int) -> None:
        visitor = self.plan.visitors[vid]
        if i >= len(visitor.script):
            return
        self.played.add(vid)
        step = visitor.script[i]
        if getattr(self, f"_{step[0]}")(vid, *step[1:]) is False:
            return  # what follows needs what failed
        if i + 1 < len(visitor.script):
            self.push(time.monotonic() + visitor.gaps[i + 1], ("step", vid, i + 1))

    def _do_bot(self, code: str, agent: str) -> None:
        status, _ = self.request("share page bot", "GET", f"/s/{code}/", agent=agent, jar=None)
        self._expect(status, 200, "bot")
        with self.truth.lock:
            self.truth.previews += 1

    def _do_poll(self, rid: str, t0: float) -> None:
        _status, body = self.request(
            "result poll", "GET", f"/api/results/{rid}/", agent=None, jar=None
        )
        image = (body or {}).get("image") or {}
        if image.get("status") == "ready":
            self.card_ready.append(time.monotonic() - t0)
        elif image.get("status") == "failed":
            self.card_failed += 1
        else:
            self.push(time.monotonic() + 0.25, ("poll", rid, t0))

    def _expect(self, status: int, want: int, what: str) -> None:
        if status != want:
            raise RuntimeError(f"{what}: {status}, expected {want}")

    def _browser(self, vid: int) -> tuple[str, dict[str, str]]:
        return self.plan.visitors[vid].agent, self.states[vid].jar

    def _twin(self, vid: int, kind: str, *args: Any) -> None:
        """The same request twice at once, from the same browser (a double tap)."""
        send = getattr(self, f"_{kind}")

        def other() -> None:
            try:
                send(vid, *args)
            except Exception as exc:
                self.errors.append(f"twin {kind} of {vid}: {exc!r}")

        thread = threading.Thread(target=other)
        thread.start()
        send(vid, *args)
        thread.join()

    def _land(self, vid: int) -> None:
        owner, channel = self.plan.visitors[vid].via  # type: ignore[misc]
        code = self.codes[(owner, channel)]
        agent, jar = self._browser(vid)
        status, _ = self.request("share page click", "GET", f"/s/{code}/", agent=agent, jar=jar)
        self._expect(status, 200, "share page")
        with self.truth.lock:
            if self.truth.shares[code]["owner"] != vid:
                self.truth.clicks.setdefault((code, vid), today())
                self.states[vid].ref = code

    def _land_other(self, vid: int) -> None:
        """A link of somebody else's, shared by then, opened after the one that brought them."""
        with self.truth.lock:
            codes = sorted(c for (owner, _ch), c in self.codes.items() if owner != vid)
        if not codes:
            return
        code = random.Random(vid).choice(codes)
        agent, jar = self._browser(vid)
        status, _ = self.request("share page click", "GET", f"/s/{code}/", agent=agent, jar=jar)
        self._expect(status, 200, "another share page")
        with self.truth.lock:
            self.truth.clicks.setdefault((code, vid), today())
            self.states[vid].ref = code

    def _own_land(self, vid: int, channel: str) -> None:
        agent, jar = self._browser(vid)
        code = self.states[vid].links[channel]
        status, _ = self.request("share page click", "GET", f"/s/{code}/", agent=agent, jar=jar)
        self._expect(status, 200, "own share page")

    def _bot_view(self, vid: int, agent: str) -> None:
        status, _ = self.request("quiz page", "GET", f"/q/{self.slug}/", agent=agent, jar=None)
        self._expect(status, 200, "quiz page (bot)")

    def _view_page(self, vid: int) -> None:
        self._view(vid, "quiz page", f"/q/{self.slug}/")

    def _view_api(self, vid: int) -> None:
        self._view(vid, "quiz API", f"/api/quizzes/{self.slug}/")

    def _view(self, vid: int, label: str, path: str) -> None:
        agent, jar = self._browser(vid)
        status, _ = self.request(label, "GET", path, agent=agent, jar=jar)
        self._expect(status, 200, label)
        with self.truth.lock:
            self.truth.views.add((vid, today()))

    def _answer(self, vid: int, take: str, key: str) -> None:
        agent, jar = self._browser(vid)
        body = {"take": take, "question": key}
        status, _ = self.request(
            "answer POST",
            "POST",
            f"/api/quizzes/{self.slug}/answers/",
            agent=agent,
            jar=jar,
            body=body,
        )
        self._expect(status, 202, "answer")
        with self.truth.lock:
            self.truth.takes.setdefault(take, None)
            self.truth.answered.add((take, key))

    def _complete(self, vid: int, take: str, answers: dict[str, Any], mode: str) -> bool:
        agent, jar = self._browser(vid)
        state = self.states[vid]
        sent = {
            "body": lambda: self.codes[self.plan.visitors[vid].via],  # type: ignore[index]
            "bogus": lambda: BOGUS_REF,
            "own": lambda: state.links.get("link") or next(iter(state.links.values())),
        }.get(mode, lambda: None)()
        body: dict[str, Any] = {"answers": answers, "take": take}
        if sent:
            body["ref"] = sent
        status, got = self.request(
            "response POST",
            "POST",
            f"/api/quizzes/{self.slug}/responses/",
            agent=agent,
            jar=jar,
            body=body,
        )
        self._expect(status, 201, "response")
        assert got is not None
        rid, t0 = got["id"], time.monotonic()
        default = (got["share_url"] or "").rstrip("/").rsplit("/", 1)[-1]
        with self.truth.lock:
            truth = self.truth
            if truth.takes.get(take):
                if truth.takes[take] != rid:  # README: a double submit gives the same result
                    self.errors.append(f"take {take} of {vid}: a second result {rid}")
                return True
            link = truth.referrer(sent or state.ref, vid)
            depth = truth.results[link["result"]]["depth"] + 1 if link else 0
            truth.results[rid] = {
                "visitor": vid,
                "outcome": got["outcome"]["key"],
                "day": today(),
                "depth": depth,
                "via": link["code"] if link else None,
            }
            truth.takes[take] = rid
            truth.answered |= {(take, k) for k, v in answers.items() if v not in ("", None, [])}
            if default:
                truth.shares[default] = {
                    "code": default,
                    "owner": vid,
                    "result": rid,
                    "channel": "link",
                    "outcome": got["outcome"]["key"],
                }
                state.links.setdefault("link", default)
            else:  # api.md: the result body always has its share_url
                self.errors.append(f"response of {vid}: a 201 without share_url")
            state.results.append(rid)
            self._completions += 1
            sample = self._completions % self.poll_every == 0
        if sample:
            self.card_sampled += 1
            self.push(time.monotonic(), ("poll", rid, t0))
        return True

    def _share(self, vid: int, channel: str) -> bool:
        agent, jar = self._browser(vid)
        rid = self.states[vid].results[0]
        status, got = self.request(
            "share POST",
            "POST",
            f"/api/results/{rid}/shares/",
            agent=agent,
            jar=jar,
            body={"channel": channel},
        )
        self._expect(status, 201, "share")
        assert got is not None
        code = got["share_url"].rstrip("/").rsplit("/", 1)[-1]
        with self.truth.lock:
            outcome = self.truth.results[rid]["outcome"]
            self.truth.shares.setdefault(
                code,
                {
                    "code": code,
                    "owner": vid,
                    "result": rid,
                    "channel": got["channel"],
                    "outcome": outcome,
                },
            )
            if channel != "link":
                self.truth.counted.setdefault((rid, channel), today())
            self.states[vid].links[channel] = code
            first = (vid, channel) not in self.codes
            self.codes[(vid, channel)] = code
        if first:
            now = time.monotonic()
            for delay, agent_ in self.plan.bots.get((vid, channel), []):
                self.push(now + delay, ("bot", code, agent_))
            for delay, friend in self.plan.friends.get((vid, channel), []):
                self.push(now + delay, ("step", friend, 0))
        return True

    def _steal(self, vid: int) -> None:
        owner, channel = self.plan.visitors[vid].via  # type: ignore[misc]
        rid = self.truth.shares[self.codes[(owner, channel)]]["result"]
        agent, jar = self._browser(vid)
        status, _ = self.request(
            "share POST",
            "POST",
            f"/api/results/{rid}/shares/",
            agent=agent,
            jar=jar,
            body={"channel": "x"},
        )
        self._expect(status, 403, "somebody else's share")
