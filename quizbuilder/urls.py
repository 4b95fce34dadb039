from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from core.api_v1 import api
from quizzes.admin import authoring_site
from quizzes.taking import views as taking_views
from sharing.media import media_serve

# The admin's own login form would skip the second factor: send it to allauth's login instead.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    # The quiz page, the one a shared link opens, first: at the end (quizzes.urls, which
    # names it quizzes:intro for reverse()) it is matched after every route of every room,
    # which took twice as long as the rest of the resolving /healthz pays (issue 14). Nothing
    # else matches q/<slug>/ (integrations' q/<slug>/embed/ is longer).
    path("q/<slug:slug>/", taking_views.intro),
    path("admin/", admin.site.urls),
    path("editor/admin/", authoring_site.urls),
    path("_nested_admin/", include("nested_admin.urls")),
    path("accounts/", include("allauth.urls")),
    path("account/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("core.urls")),
    # The JSON API (core.api_v1): each room added its Router in its AppConfig.ready().
    path("api/", api.urls),
    # Before quizzes: its editor catch-all (editor/quizzes/<slug>/<action>/) would take
    # integrations' studio page.
    path("", include("integrations.urls")),
    # Before quizzes: sharing serves quizzes' result page and result API composed with its part.
    path("", include("sharing.urls")),
    # Before quizzes, whose editor-action route would take /editor/quizzes/<slug>/webhooks/.
    path("", include("webhooks.urls")),
    path("", include("quizzes.urls")),
]
# JSON under /api/, Django's pages elsewhere (core.api, "error handlers").
handler400 = "core.api.error_bad_request"
handler403 = "core.api.error_permission_denied"
handler404 = "core.api.error_not_found"
handler500 = "core.api.error_server"

if settings.DEBUG:
    urlpatterns += static(  # type: ignore[arg-type]
        settings.MEDIA_URL, view=media_serve, document_root=settings.MEDIA_ROOT
    )
