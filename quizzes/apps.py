from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = "Quizzes"

    def ready(self) -> None:
        # quizzes' operations of the one JSON API (core.api_v1), before quizbuilder/urls.py
        # asks the API for its URLs.
        from core.api_v1 import api

        from .taking.api import router

        api.add_router("", router)
