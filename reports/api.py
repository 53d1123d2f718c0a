"""Read-only JSON of the dashboards, for other systems: the same payloads the pages draw."""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from reports.access import get_snapshot_for_user, require_bureau, require_dashboard_role
from reports.models import MeetingSnapshot
from reports.selectors.overview import overview_payload
from reports.views.filters import read_filters

_DENIED = OpenApiResponse(description="无权查看")  # the body, {"detail": …}, is edugov.schema's
# the filters' problems, or one message when edugov.middleware refuses the request before the view
_PROBLEMS = {"type": "object", "required": ["detail"], "properties": {
    "detail": {"oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}]}}}
_FILTERS = [OpenApiParameter(name, str, description=description) for name, description in [
    ("plan", "实施方案标识或编号,默认上次选择的或年限包含今天的方案"), ("year", "年度,默认当前方案年度"),
    ("town", "镇/街道代码"),
    ("school_type", "学校类型"), ("ownership", "办学性质")]]


class OverviewView(APIView):
    """Target versus actual for a plan and a year (?plan=&year=&town=|school_type=|ownership=)."""

    @extend_schema(parameters=_FILTERS, responses={
        200: OpenApiTypes.OBJECT,
        400: OpenApiResponse(_PROBLEMS, description="筛选参数有误,detail 列出问题"), 403: _DENIED,
        404: OpenApiResponse(description="没有这个实施方案,或尚未导入实施方案")})
    def get(self, request):
        require_dashboard_role(request.user)
        filters = read_filters(request, remember=False)
        if filters.problems:
            return Response({"detail": filters.problems}, status=400)
        return Response(overview_payload(plan=filters.plan, year=filters.year, unit=filters.unit))


class SnapshotSerializer(serializers.ModelSerializer):
    class Meta:
        model = MeetingSnapshot
        fields = ["id", "title", "year", "plan", "indicator_codes", "data_as_of", "frozen_at", "payload"]


class SnapshotSummarySerializer(SnapshotSerializer):
    class Meta(SnapshotSerializer.Meta):
        fields = [f for f in SnapshotSerializer.Meta.fields if f != "payload"]


class SnapshotDetailView(APIView):
    @extend_schema(responses={200: SnapshotSerializer, 403: _DENIED, 404: OpenApiResponse(description="没有这个快照")})
    def get(self, request, pk: int):
        return Response(SnapshotSerializer(get_snapshot_for_user(request.user, pk)).data)


class SnapshotListView(APIView):
    """The newest 100 frozen meetings, without their payloads (not paginated)."""

    @extend_schema(operation_id="reports_snapshots_list", responses={200: SnapshotSummarySerializer(many=True),
                                                                      403: _DENIED})
    def get(self, request):
        require_bureau(request.user)
        rows = MeetingSnapshot.objects.order_by("-frozen_at")[:100]
        return Response(SnapshotSummarySerializer(rows, many=True).data)
