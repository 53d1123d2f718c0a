"""REST API for the plan: the same reads and the same progress service as the pages."""
import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from edugov.roles import role_of
from plans.access import get_item_rw
from plans.context import plan_for_request
from plans.models import (
    ActionItem,
    ActionItemUpdate,
    AnnualTarget,
    Department,
    ItemStatus,
    Plan,
    Programme,
    TargetSource,
)
from plans.services.progress import action_item_record_progress


class HasRole(permissions.BasePermission):
    """Any user with a role reads the plan; an authenticated user without one reads nothing."""

    def has_permission(self, request, view):
        return role_of(request.user) is not None


class PlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = Plan
        fields = ["id", "key", "title", "doc_number", "issuers", "issued_on", "start_year", "end_year", "overall_goal",
                  "archived"]


class ProgrammeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Programme
        fields = ["id", "plan", "number", "name", "goal", "strategy"]


class DepartmentSerializer(serializers.ModelSerializer):
    aliases = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")

    class Meta:
        model = Department
        fields = ["id", "name", "aliases"]


class UpdateSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.username", read_only=True)

    class Meta:
        model = ActionItemUpdate
        fields = ["id", "by", "at", "on_date", "old_status", "status", "old_progress", "progress", "note"]


class ActionItemSerializer(serializers.ModelSerializer):
    departments = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    programme_number = serializers.IntegerField(source="programme.number", read_only=True)

    class Meta:
        model = ActionItem
        fields = ["id", "programme", "programme_number", "year", "order", "text", "departments", "status", "progress",
                  "updated_at"]


class ProgressSerializer(serializers.Serializer):
    """Shape only: the rules are the service's, and its errors come back with their field names."""

    status = serializers.CharField()
    progress = serializers.IntegerField()
    note = serializers.CharField(allow_blank=True)
    on_date = serializers.DateField(required=False)


class TargetSourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = TargetSource
        fields = ["position", "section", "text", "comparator", "value", "low", "high", "approximate", "chosen"]


class TargetSerializer(serializers.ModelSerializer):
    sources = TargetSourceSerializer(many=True, read_only=True)
    goal = serializers.CharField(source="display_goal", read_only=True)

    class Meta:
        model = AnnualTarget
        fields = ["id", "plan", "measure", "name", "unit", "year", "kind", "comparator", "value", "low", "high",
                  "approximate", "baseline", "goal", "conflict", "conflict_resolved", "sources"]


class ActionItemFilter(django_filters.FilterSet):
    department = django_filters.NumberFilter(field_name="departments")
    programme = django_filters.NumberFilter(field_name="programme__number")
    status = django_filters.ChoiceFilter(choices=ItemStatus.choices)

    class Meta:
        model = ActionItem
        fields = ["year", "department", "programme", "status"]


class PlanScoped:
    """Lists show the request's plan only (?plan=<id or key>, else the remembered or default plan,
    plans.context); a row is still found by its id whatever the plan."""

    plan_field = "plan"

    def get_queryset(self):
        rows = super().get_queryset()
        if self.action == "list" and not getattr(self, "swagger_fake_view", False):  # not while drawing the schema
            rows = rows.filter(**{self.plan_field: plan_for_request(self.request, remember=False)})
        return rows


# documents ?plan= on each scoped list
_SCOPED = extend_schema_view(list=extend_schema(parameters=[OpenApiParameter(
    "plan", str, description="实施方案标识或编号;默认为上次选择的方案,否则为年限包含今天的方案")]))


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Plan.objects.order_by("id")
    serializer_class = PlanSerializer
    permission_classes = [permissions.IsAuthenticated, HasRole]


@_SCOPED
class ProgrammeViewSet(PlanScoped, viewsets.ReadOnlyModelViewSet):
    queryset = Programme.objects.order_by("plan", "number")
    serializer_class = ProgrammeSerializer
    permission_classes = [permissions.IsAuthenticated, HasRole]
    filterset_fields = ["number"]


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Department.objects.prefetch_related("aliases").order_by("id")
    serializer_class = DepartmentSerializer
    permission_classes = [permissions.IsAuthenticated, HasRole]


@_SCOPED
class ActionItemViewSet(PlanScoped, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = ActionItem.objects.select_related("programme").prefetch_related("departments").order_by(
        "year", "programme__number", "order"
    )
    serializer_class = ActionItemSerializer
    permission_classes = [permissions.IsAuthenticated, HasRole]
    filterset_class = ActionItemFilter
    plan_field = "programme__plan"

    @extend_schema(request=ProgressSerializer, responses={201: UpdateSerializer})
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        item = get_item_rw(request.user, pk)
        payload = ProgressSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            update = action_item_record_progress(item=item, by=request.user, **payload.validated_data)
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from None
        return Response(UpdateSerializer(update).data, status=status.HTTP_201_CREATED)

    # the whole history, newest first, as one list: no pages, and the list's filters are not the history's
    @extend_schema(responses=UpdateSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request, pk=None):
        updates = self.get_object().updates.select_related("by")
        return Response(UpdateSerializer(updates, many=True).data)


@_SCOPED
class TargetViewSet(PlanScoped, viewsets.ReadOnlyModelViewSet):
    queryset = AnnualTarget.objects.prefetch_related("sources").order_by("year", "measure")
    serializer_class = TargetSerializer
    permission_classes = [permissions.IsAuthenticated, HasRole]
    filterset_fields = ["year", "measure", "conflict"]
