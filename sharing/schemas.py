"""The bodies of sharing's API (api.md "Sharing", stats.md) as schemas, for the OpenAPI
document (/api/docs/). sharing/api.py builds the bodies itself; these describe them."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field


class ShareIn(Schema):
    channel: str = Field(
        description="link, native, copy, qr, whatsapp, telegram, x, facebook, line, weibo, "
        "wechat, email or other."
    )


class ShareOut(Schema):
    channel: str
    share_url: str


class StatsOut(Schema):
    """stats.md's body; the rooms above sharing add their figures (integrations: `leads`)."""

    model_config = ConfigDict(extra="allow")

    views: int
    starts: int
    completions: int
    completion_rate: float
    shares: int
    share_rate: float
    previews: int
    clicks: int
    referred_completions: int
    click_to_completion: float
    viral_coefficient: float
    max_depth: int
    by_channel: dict[str, dict[str, int]]
    by_outcome: dict[str, dict[str, int]]
    by_question: list[dict[str, Any]]
    by_day: list[dict[str, Any]]
