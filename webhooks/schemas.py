"""The webhook API's bodies (integrations.md, "Webhooks") as schemas, for the OpenAPI
document."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field


class WebhookIn(Schema):
    url: str = Field(description="http(s); private, loopback and link-local hosts are refused.")
    events: list[str] = Field(
        description="Of result.created, share.created, lead.created, cta.clicked."
    )


class WebhookCreated(Schema):
    id: int
    url: str
    events: list[str]
    secret: str = Field(description="Signs the deliveries; given in this answer only.")


class WebhookListed(Schema):
    id: int
    url: str
    events: list[str]
    active: bool
    last_status: int | None


class WebhookListOut(Schema):
    webhooks: list[WebhookListed]
