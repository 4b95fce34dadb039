from django.urls import path

from quizzes.authoring import preview, preview_frame, studio
from quizzes.authoring import views as editor_views
from quizzes.taking import views

app_name = "quizzes"

urlpatterns = [
    path("", views.home, name="home"),
    path("privacy/", views.privacy, name="privacy"),
    path("q/<slug:slug>/", views.intro, name="intro"),
    path("q/<slug:slug>/take/", views.take, name="take"),
    path("q/<slug:slug>/theme.css", views.theme_css, name="theme"),
    path("r/<str:result_id>/", views.result, name="result"),
    path("r/<str:result_id>/delete/", views.result_delete, name="result-delete"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("editor/quizzes/<slug:slug>/preview/", preview.preview, name="preview"),
    path(
        "editor/quizzes/<slug:slug>/studio/preview/",
        preview_frame.studio_preview,
        name="studio-preview",
    ),
    path("editor/", editor_views.dashboard, name="dashboard"),
    path("editor/new/", editor_views.quiz_new, name="editor-create"),
    path("editor/new/<str:key>/", editor_views.quiz_start, name="editor-start"),
    path("editor/import/", editor_views.quiz_import_upload, name="editor-import"),
    path(
        "editor/quizzes/<slug:slug>/duplicate/",
        editor_views.quiz_duplicate,
        name="editor-duplicate",
    ),
    path("editor/quizzes/<slug:slug>/export/", editor_views.quiz_export, name="editor-export"),
    path("editor/quizzes/<slug:slug>/", editor_views.quiz_detail, name="editor-quiz"),
    path("editor/quizzes/<slug:slug>/edit/", editor_views.quiz_edit, name="editor-edit"),
    path("editor/quizzes/<slug:slug>/studio/", studio.studio, name="studio"),
    path("editor/quizzes/<slug:slug>/studio/save/", studio.studio_save, name="studio-save"),
    path("editor/quizzes/<slug:slug>/studio/open/", studio.studio_open, name="studio-open"),
    path(
        "editor/quizzes/<slug:slug>/studio/presence/",
        studio.studio_presence,
        name="studio-presence",
    ),
    path(
        "editor/quizzes/<slug:slug>/<str:action>/",
        editor_views.quiz_action,
        name="editor-action",
    ),
]
