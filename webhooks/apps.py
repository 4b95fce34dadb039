"""Signed webhooks: the business's other systems told what happened (spec/integrations.md,
"Webhooks"). The top room: it hears quizzes, sharing and integrations through their signals."""

from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        # Connects the receivers of what the rooms below announce.
        from core.api_v1 import api

        from . import receivers  # noqa: F401
        from .api import router

        api.add_router("", router)
