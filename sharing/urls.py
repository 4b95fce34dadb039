from django.urls import path

from . import api, results, story, views

app_name = "sharing"

urlpatterns = [
    # quizzes' result page and result API with the card and the share link: the same paths as
    # quizzes' routes of the same names, which these come before (quizbuilder/urls.py).
    path("r/<str:result_id>/", results.result, name="result"),
    path("r/<str:result_id>/story.png", story.result_story, name="result-story"),
    path(
        "api/quizzes/<slug:slug>/responses/",
        results.response_create,
        name="api-response-create",
    ),
    path("api/results/<str:result_id>/", results.result_detail, name="api-result-detail"),
    path("s/<str:code>/", views.landing, name="landing"),
    path("s/<str:code>/qr.svg", views.share_qr, name="qr"),
    path("api/results/<str:result_id>/shares/", api.shares, name="api-shares"),
    path("api/quizzes/<slug:slug>/stats/", api.stats, name="api-stats"),
    path("editor/quizzes/<slug:slug>/stats/", views.stats_page, name="stats"),
    path(
        "editor/quizzes/<slug:slug>/studio/card/<str:layout>.png",
        views.studio_card,
        name="studio-card",
    ),
]
