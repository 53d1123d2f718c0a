"""Read-only JSON of the dashboards, for other systems: the same payloads the pages draw."""
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from reports.access import get_snapshot_for_user, require_bureau, require_dashboard_role
from reports.models import MeetingSnapshot
from reports.selectors.overview import overview_payload
from reports.views.filters import read_filters


class OverviewView(APIView):
    """Target versus actual for a plan and a year (?plan=&year=&town=|school_type=|ownership=)."""

    def get(self, request):
        require_dashboard_role(request.user)
        filters = read_filters(request)
        if filters.problems:
            return Response({"detail": filters.problems}, status=400)
        return Response(overview_payload(plan=filters.plan, year=filters.year, unit=filters.unit))


class SnapshotSerializer(serializers.ModelSerializer):
    class Meta:
        model = MeetingSnapshot
        fields = ["id", "title", "year", "plan", "indicator_codes", "data_as_of", "frozen_at", "payload"]


class SnapshotDetailView(APIView):
    def get(self, request, pk: int):
        return Response(SnapshotSerializer(get_snapshot_for_user(request.user, pk)).data)


class SnapshotListView(APIView):
    def get(self, request):
        require_bureau(request.user)
        rows = MeetingSnapshot.objects.order_by("-frozen_at")[:100]
        return Response([{k: v for k, v in SnapshotSerializer(s).data.items() if k != "payload"} for s in rows])
