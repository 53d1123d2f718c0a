from django.urls import include, path
from rest_framework.routers import DefaultRouter

from indicators import api_collection as api

router = DefaultRouter()
router.register("schools", api.SchoolViewSet, basename="school")
router.register("elements", api.ElementViewSet, basename="element")
router.register("datasets", api.DataSetViewSet, basename="dataset")
router.register("periods", api.PeriodViewSet, basename="period")
router.register("submissions", api.SubmissionViewSet, basename="submission")

# Indicator values and target status live in api_rollup_urls.
urlpatterns = router.urls + [path("", include("indicators.api_rollup_urls"))]
