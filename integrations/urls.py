from django.urls import path

from . import embeds, views

app_name = "integrations"

urlpatterns = [
    path("q/<slug:slug>/embed/", embeds.quiz_embed, name="embed"),
    path("embed.js", embeds.embed_js, name="embed-js"),
    path("oembed/", embeds.oembed, name="oembed"),
    path("go/<str:result_id>/", views.cta_go, name="go"),
    path("r/<str:result_id>/lead/", views.lead_form_post, name="lead-form"),
    path("leads/confirm/<str:token>/", views.lead_confirm_view, name="lead-confirm"),
    path(
        "editor/quizzes/<slug:slug>/integrations/",
        views.integrations_page,
        name="studio",
    ),
    path(
        "editor/quizzes/<slug:slug>/integrations/leads.csv",
        views.leads_export,
        name="leads-export",
    ),
    path(
        "editor/quizzes/<slug:slug>/integrations/leads/delete/",
        views.leads_delete,
        name="leads-delete",
    ),
]
