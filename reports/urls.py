from django.urls import path
from django.views.generic import TemplateView

app_name = "reports"
# Placeholder until the app's pages land.
urlpatterns = [path("", TemplateView.as_view(template_name="base.html"), name="overview")]
