from django.urls import path

from . import results, story, views

app_name = "sharing"

urlpatterns = [
    # quizzes' result page with the card and the share link: the same path as quizzes' route
    # of the same name, which this comes before (quizbuilder/urls.py).
    path("r/<str:result_id>/", results.result, name="result"),
    path("r/<str:result_id>/story.png", story.result_story, name="result-story"),
    path("s/<str:code>/", views.landing, name="landing"),
    path("s/<str:code>/qr.svg", views.share_qr, name="qr"),
    path("editor/quizzes/<slug:slug>/stats/", views.stats_page, name="stats"),
    path(
        "editor/quizzes/<slug:slug>/studio/card/<str:layout>.png",
        views.studio_card,
        name="studio-card",
    ),
]
