"""The business behind the quiz: embeds on its own site, calls to action and leads
(spec/integrations.md). Above sharing: integrations <- webhooks."""

from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = "Integrations"

    def ready(self) -> None:
        # Connects the answers to quizzes' and sharing's signals and hooks.
        from core.api_v1 import api

        from . import receivers  # noqa: F401
        from .api import router

        api.add_router("", router)
