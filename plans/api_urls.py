from rest_framework.routers import DefaultRouter

from plans import api

router = DefaultRouter()
router.register("plans", api.PlanViewSet, basename="plan")
router.register("programmes", api.ProgrammeViewSet, basename="programme")
router.register("departments", api.DepartmentViewSet, basename="department")
router.register("action-items", api.ActionItemViewSet, basename="action-item")
router.register("targets", api.TargetViewSet, basename="target")
urlpatterns = router.urls
