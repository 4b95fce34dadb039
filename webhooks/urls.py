from django.urls import path

from . import api, views

app_name = "webhooks"

urlpatterns = [
    path("api/quizzes/<slug:slug>/webhooks/", api.quiz_webhooks, name="api-quiz-webhooks"),
    path("api/webhooks/<int:webhook_id>/", api.webhook_detail, name="api-webhook"),
    path("editor/quizzes/<slug:slug>/webhooks/", views.webhooks_page, name="editor"),
    path(
        "editor/quizzes/<slug:slug>/webhooks/<int:webhook_id>/<str:action>/",
        views.webhook_action,
        name="editor-action",
    ),
]
