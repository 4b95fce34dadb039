from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "sharing"
    verbose_name = "Sharing"

    def ready(self) -> None:
        # Connects the receivers of what quizzes announces (Django's documented place for it).
        from . import receivers  # noqa: F401
