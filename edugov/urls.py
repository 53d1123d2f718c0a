from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from edugov import views, views_notices
from edugov.accounts import PasswordChangeView

urlpatterns = [
    path("", views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    # before Django's own: the same name, plus clearing the first-log-in flag
    path("accounts/password_change/", PasswordChangeView.as_view(), name="password_change"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("plans/", include("plans.urls")),
    path("data/", include("indicators.urls")),
    path("reports/", include("reports.urls")),
    path("api/", include("plans.api_urls")),
    path("api/", include("indicators.api_urls")),
    path("api/", include("reports.api_urls")),
    path("api/token/", views.obtain_token, name="api-token"),
    path("notices/", views_notices.notice_list, name="notices"),
    path("notices/<int:pk>/", views_notices.notice_open, name="notice_open"),
    path("notices/read/", views_notices.notice_read_all, name="notices_read_all"),
    # The schema maps every endpoint: signed-in users only (SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]); the
    # docs page sends a visitor to log in. The split view serves Swagger UI's start-up script as a file,
    # which the Content Security Policy allows (an inline one it would not).
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
]

handler404 = "edugov.views.not_found"  # JSON under /api/

admin.site.site_header = "教育现代化实施方案跟踪 · 管理后台"
admin.site.site_title = "edugov"
