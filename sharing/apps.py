from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "sharing"
    verbose_name = "Sharing"

    def ready(self) -> None:
        # Connects the receivers of what quizzes announces (Django's documented place for it).
        from core.api_v1 import api

        from . import receivers  # noqa: F401
        from .api import router

        api.add_router("", router)
