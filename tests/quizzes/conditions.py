"""Quizzes with the studio's extensions (display conditions, images, explanations), shared by
the format, engine, taking and stats tests."""

from __future__ import annotations

from typing import Any


def smoke_quiz(**changes: Any) -> dict[str, Any]:
    """ "Do you smoke?" -> "How many a day?" (shown only for yes) -> "How old are you?"."""
    data: dict[str, Any] = {
        "format": "quizbuilder/1",
        "slug": "smoke-check",
        "title": "Your smoke check",
        "kind": "calculator",
        "questions": [
            {
                "key": "smoke",
                "type": "single",
                "prompt": "Do you smoke?",
                "choices": [
                    {"key": "yes", "label": "Yes", "value": 1},
                    {"key": "no", "label": "No"},
                ],
            },
            {
                "key": "per_day",
                "type": "number",
                "prompt": "How many a day?",
                "min": 1,
                "max": 60,
                "unit": "cigarettes",
                "show_if": {"question": "smoke", "choices": ["yes"]},
            },
            {"key": "age", "type": "number", "prompt": "How old are you?", "min": 10, "max": 100},
        ],
        "variables": [{"key": "year", "expr": "per_day * 365"}],
        "outcomes": [
            {"key": "smoker", "title": "{year} cigarettes a year", "when": "year > 0"},
            {"key": "free", "title": "Smoke-free at {age}"},
        ],
    }
    data.update(changes)
    return data


def trivia_quiz(**changes: Any) -> dict[str, Any]:
    """A trivia quiz with every extension: images on a question and its answers, an
    explanation, and a question shown only to those who say they know flags."""
    data: dict[str, Any] = {
        "format": "quizbuilder/1",
        "slug": "flags-and-capitals",
        "title": "Flags and capitals",
        "kind": "trivia",
        "questions": [
            {
                "key": "france",
                "type": "single",
                "prompt": "Capital of France?",
                "image": "images/paris.png",
                "explanation": "Paris has been the capital since 987.",
                "choices": [
                    {"key": "paris", "label": "Paris", "correct": True, "image": "images/a.png"},
                    {"key": "lyon", "label": "Lyon", "image": "images/b.png"},
                ],
            },
            {
                "key": "flags",
                "type": "single",
                "prompt": "Do you know flags?",
                "choices": [{"key": "yes", "label": "Yes"}, {"key": "no", "label": "No"}],
            },
            {
                "key": "red",
                "type": "multi",
                "prompt": "Which flags have red?",
                "show_if": {"question": "flags", "choices": ["yes"]},
                "explanation": "Both have a red stripe.",
                "choices": [
                    {"key": "japan", "label": "Japan", "correct": True},
                    {"key": "peru", "label": "Peru", "correct": True},
                    {"key": "sweden", "label": "Sweden"},
                ],
            },
        ],
        "outcomes": [
            {"key": "low", "title": "Keep going", "max": 1},
            {"key": "top", "title": "Top", "min": 2},
        ],
    }
    data.update(changes)
    return data


def png(colour: str = "red", size: tuple[int, int] = (40, 30)) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def trivia_images() -> dict[str, bytes]:
    return {
        "images/paris.png": png("blue", (80, 40)),
        "images/a.png": png("red"),
        "images/b.png": png("green"),
    }
