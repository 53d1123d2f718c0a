"""Read-only API of indicator values and target status. Stored values (/api/indicator-values/): bureau roles
see every level, a town reviewer the district and its town, others the district. Schools' own values
(/api/school-values/, computed when read): bureau roles every school, a town reviewer its town's schools, a
reporter its own school, department staff none."""
import django_filters
from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, viewsets

from edugov.models import Role
from edugov.roles import profile_of, role_of
from indicators.access import BUREAU
from indicators.models import Indicator, IndicatorValue, Level, School, TargetStatus
from indicators.rollup.school_values import school_values

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
    if role == Role.TOWN_REVIEWER:  # its town, also crossed with school types (a key "town/type")
        town = profile_of(user).town
        return values.filter(district | Q(level=Level.TOWN, unit_key=town.code)
                             | Q(level=Level.TOWN_TYPE, unit_key__startswith=f"{town.code}/"))
    return values.filter(district)  # a school's own values: /api/school-values/


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


class SchoolValueSerializer(serializers.Serializer):
    indicator = serializers.CharField(source="indicator.code")
    year = serializers.IntegerField()
    level = serializers.CharField()
    unit_key = serializers.CharField()
    unit_label = serializers.CharField()
    numerator = serializers.DecimalField(max_digits=30, decimal_places=6, allow_null=True)
    denominator = serializers.DecimalField(max_digits=30, decimal_places=6, allow_null=True)
    value = serializers.DecimalField(max_digits=30, decimal_places=6, allow_null=True)
    schools_expected = serializers.IntegerField()
    schools_reported = serializers.IntegerField()
    computed_at = serializers.DateTimeField()


class SchoolValueQuery(serializers.Serializer):
    year = serializers.IntegerField(min_value=1900, max_value=2200)
    indicator = serializers.SlugField(required=False, max_length=64)
    school = serializers.CharField(required=False, max_length=32)


def visible_schools(user):
    """The schools whose values a user may read: bureau roles every school, a town reviewer its town's, a
    reporter its own; department staff none (they see district figures)."""
    schools = School.objects.filter(active=True)
    role = role_of(user)
    if role in BUREAU:
        return schools
    if role == Role.SCHOOL_REPORTER:
        return schools.filter(pk=profile_of(user).school_id)
    if role == Role.TOWN_REVIEWER:
        return schools.filter(town=profile_of(user).town)
    return schools.none()


class SchoolValueViewSet(viewsets.GenericViewSet):
    """Schools' indicator values of one year: each school's own approved figures through the indicator's
    formula, computed when read (the stored rollup holds towns, types and the district, not schools)."""

    serializer_class = SchoolValueSerializer
    permission_classes = [permissions.IsAuthenticated, Reader]
    queryset = School.objects.none()  # rows are computed, not a model's (the schema asks for a model)

    @extend_schema(parameters=[SchoolValueQuery])
    def list(self, request):
        query = SchoolValueQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        schools = visible_schools(request.user).order_by("code")
        if query.validated_data.get("school"):
            schools = schools.filter(code=query.validated_data["school"])
        indicators = Indicator.objects.order_by("code")
        if query.validated_data.get("indicator"):
            indicators = indicators.filter(code=query.validated_data["indicator"])
        rows = school_values(indicators=indicators, years=[query.validated_data["year"]], schools=schools)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class TargetStatusViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TargetStatusSerializer
    permission_classes = [permissions.IsAuthenticated, Reader]
    filterset_fields = {"target__year": ["exact"], "status": ["exact"], "target__measure": ["exact"]}

    def get_queryset(self):
        return TargetStatus.objects.select_related("target", "indicator").order_by("target__year", "target__measure")
