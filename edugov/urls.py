from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from edugov import views

urlpatterns = [
    path("", views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("plans/", include("plans.urls")),
    path("data/", include("indicators.urls")),
    path("reports/", include("reports.urls")),
    path("api/", include("plans.api_urls")),
    path("api/", include("indicators.api_urls")),
    path("api/", include("reports.api_urls")),
    path("api/token/", views.obtain_token, name="api-token"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

admin.site.site_header = "教育现代化实施方案跟踪 · 管理后台"
admin.site.site_title = "edugov"
