from rest_framework.routers import SimpleRouter

from indicators import api_rollup

router = SimpleRouter()
router.register("indicators", api_rollup.IndicatorViewSet, basename="indicator")
router.register("indicator-values", api_rollup.IndicatorValueViewSet, basename="indicator-value")
router.register("school-values", api_rollup.SchoolValueViewSet, basename="school-value")
router.register("target-status", api_rollup.TargetStatusViewSet, basename="target-status")
urlpatterns = router.urls
