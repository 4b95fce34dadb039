"""Answers that lead each demo quiz to a known result (the taking tests share them)."""

from __future__ import annotations

import json
from typing import Any

TAKES: dict[str, dict[str, Any]] = {
    "which-morning-drink": {
        "answers": {"alarm": "up", "weekend": "project", "music": "techno", "name": "Ada"},
        "outcome": "espresso",
        "title": "Espresso",
        "description": "Ada, you're short, strong and already on your third task.",
        "score": 5,
        "max_score": None,
        "values": {},
    },
    "weight-in-10-years": {
        "answers": {
            "name": "Ada",
            "weight": 70,
            "age": 30,
            "exercise": "never",
            "snacks": ["soda", "sweets"],
            "sleep": "short",
        },
        "outcome": "heavier",
        "title": "Ada, in 10 years you'll weigh 95 kg",
        "description": "That's 25 kg more than today. Small changes add up: try swapping the "
        "sugary drinks first.",
        "score": None,
        "max_score": None,
        "values": {"age_drift": 0.4, "weight_10y": 95, "change": 25},
    },
    "how-stressed-are-you": {
        "answers": {
            "sleep": "three_am",
            "buzz": "reply",
            "shoulders": "bit",
            "free_evening": "mostly",
            "plate": "sometimes",
            "week": ["room"],
        },
        "outcome": "steady",
        "title": "Mostly balanced",
        "score": 8,
        "max_score": 19,
    },
    "solar-system-trivia": {
        "answers": {
            "closest": "mercury",
            "hottest": "venus",
            "sunlight": "minutes",
            "rings": ["saturn", "jupiter", "neptune"],
            "olympus": "volcano",
            "venus_day": "longer",
            "moons": "jupiter",
        },
        "outcome": "astronomer",
        "title": "Astronomer",
        "score": 6,
        "max_score": 7,
    },
    "ni-shi-na-zhong-ka-fei": {
        "answers": {
            "alarm": "up",
            "weekend": "finish",
            "friends_say": "reliable",
            "takeout": "fastest",
            "desk": "clean",
        },
        "outcome": "espresso",
        "title": "浓缩咖啡",
        "score": 10,
        "max_score": None,
    },
}

BROWSER_UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0) Mobile Safari"


def post_json(client, url: str, data: Any, **extra):
    body = data if isinstance(data, str | bytes) else json.dumps(data)
    return client.post(url, body, content_type="application/json", **extra)


def responses_url(slug: str) -> str:
    return f"/api/quizzes/{slug}/responses/"
