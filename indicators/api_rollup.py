"""Read-only API of indicator values and target status. A school sees its own school's rows and
the district's; bureau roles see everything; department staff see district figures."""
import django_filters
from django.db.models import Q
from rest_framework import permissions, serializers, viewsets

from edugov.models import Role
from edugov.roles import profile_of, role_of
from indicators.access import BUREAU
from indicators.models import Indicator, IndicatorValue, Level, TargetStatus

READERS = BUREAU | {Role.TOWN_REVIEWER, Role.SCHOOL_REPORTER, Role.DEPARTMENT_STAFF}


class Reader(permissions.BasePermission):
    def has_permission(self, request, view):
        return role_of(request.user) in READERS


def visible_values(user):
    values = IndicatorValue.objects.select_related("indicator")
    role = role_of(user)
    if role in BUREAU:
        return values
    district = Q(level=Level.DISTRICT)
    if role == Role.SCHOOL_REPORTER:
        return values.filter(district | Q(level=Level.SCHOOL, unit_key=profile_of(user).school.code))
    if role == Role.TOWN_REVIEWER:
        town = profile_of(user).town
        schools = town.schools.values_list("code", flat=True)
        return values.filter(district | Q(level=Level.TOWN, unit_key=town.code) | Q(level=Level.SCHOOL,
                                                                                       unit_key__in=schools))
    return values.filter(district)


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = ["id", "code", "name_zh", "name_en", "numerator", "denominator", "unit", "decimals", "direction",
                  "school_types"]


class IndicatorValueSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="indicator.code")

    class Meta:
        model = IndicatorValue
        fields = ["indicator", "year", "level", "unit_key", "unit_label", "numerator", "denominator", "value",
                  "schools_expected", "schools_reported", "computed_at"]


class TargetStatusSerializer(serializers.ModelSerializer):
    measure = serializers.CharField(source="target.measure")
    name = serializers.CharField(source="target.name")
    year = serializers.IntegerField(source="target.year")
    goal = serializers.CharField(source="target.display_goal")
    indicator = serializers.CharField(source="indicator.code")

    class Meta:
        model = TargetStatus
        fields = ["measure", "name", "year", "goal", "indicator", "actual", "status", "margin", "schools_expected",
                  "schools_reported", "computed_at"]


class ValueFilter(django_filters.FilterSet):
    indicator = django_filters.CharFilter(field_name="indicator__code")
    breakdown = django_filters.ChoiceFilter(field_name="level", choices=Level.choices)

    class Meta:
        model = IndicatorValue
        fields = ["year", "level", "unit_key", "indicator", "breakdown"]


class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Indicator.objects.order_by("code")
    serializer_class = IndicatorSerializer
    permission_classes = [permissions.IsAuthenticated, Reader]


class IndicatorValueViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = IndicatorValueSerializer
    permission_classes = [permissions.IsAuthenticated, Reader]
    filterset_class = ValueFilter

    def get_queryset(self):
        return visible_values(self.request.user).order_by("indicator__code", "year", "level", "unit_key")


class TargetStatusViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TargetStatusSerializer
    permission_classes = [permissions.IsAuthenticated, Reader]
    filterset_fields = {"target__year": ["exact"], "status": ["exact"], "target__measure": ["exact"]}

    def get_queryset(self):
        return TargetStatus.objects.select_related("target", "indicator").order_by("target__year", "target__measure")
