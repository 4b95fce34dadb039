from django.urls import path

from . import api, views

app_name = "sharing"

urlpatterns = [
    path("s/<str:code>/", views.landing, name="landing"),
    path("s/<str:code>/qr.svg", views.share_qr, name="qr"),
    path("api/results/<str:result_id>/shares/", api.shares, name="api-shares"),
    path("api/quizzes/<slug:slug>/stats/", api.stats, name="api-stats"),
    path("editor/quizzes/<slug:slug>/stats/", views.stats_page, name="stats"),
]
