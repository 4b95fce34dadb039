from django.urls import path

from . import views

app_name = "webhooks"

urlpatterns = [
    path("editor/quizzes/<slug:slug>/webhooks/", views.webhooks_page, name="editor"),
    path(
        "editor/quizzes/<slug:slug>/webhooks/<int:webhook_id>/<str:action>/",
        views.webhook_action,
        name="editor-action",
    ),
]
