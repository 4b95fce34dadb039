from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
    path("tokens/", views.token_new, name="token-create"),
    path("tokens/<int:token_id>/revoke/", views.token_delete, name="token-revoke"),
]
