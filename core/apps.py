from django.apps import AppConfig


class CoreConfig(AppConfig):
    # The site's plumbing that quizzes and sharing both use; it imports neither.
    name = "core"
    verbose_name = "Core"
