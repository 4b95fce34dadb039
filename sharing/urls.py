from django.urls import path

from . import views

app_name = "sharing"

urlpatterns = [
    path("s/<str:code>/", views.landing, name="landing"),
]
