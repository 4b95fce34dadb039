"""The lead API's bodies (integrations.md, "Leads") as schemas, for the OpenAPI document."""

from __future__ import annotations

from typing import Literal

from ninja import Schema
from pydantic import Field


class LeadIn(Schema):
    email: str
    name: str | None = Field(None, description="When the quiz asks for it.")
    phone: str | None = Field(None, description="When the quiz asks for it.")
    consent: bool = Field(description="Must be true: the visitor agrees to the quiz's text.")


class LeadOut(Schema):
    status: Literal["saved"]
