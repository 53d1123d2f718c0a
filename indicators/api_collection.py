"""REST API for data collection; the same access helpers and services as the pages."""
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from edugov.models import Role
from edugov.roles import role_of
from indicators.access import COLLECTION_ROLES, get_submission_for_user, schools_visible_to, submissions_visible_to
from indicators.models import DataElement, DataSet, ReportingPeriod, School, Submission
from indicators.selectors.collection import submission_values
from indicators.services import submissions as service


class CollectionRole(permissions.BasePermission):
    def has_permission(self, request, view):
        return role_of(request.user) in COLLECTION_ROLES


def _service_call(func, **kwargs):
    try:
        return func(**kwargs)
    except DjangoValidationError as exc:
        raise ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from None


class SchoolSerializer(serializers.ModelSerializer):
    class Meta:
        model = School
        fields = ["id", "code", "name", "town", "school_type", "ownership", "is_puhui", "kg_grade",
                  "is_minority_language", "is_urban", "education_group", "email", "opened_year", "active"]


class ElementSerializer(serializers.ModelSerializer):
    class Meta:
        model = DataElement
        fields = ["id", "code", "name_zh", "name_en", "unit", "value_type", "min_value", "max_value", "school_types",
                  "help_text"]


class DataSetSerializer(serializers.ModelSerializer):
    elements = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")

    class Meta:
        model = DataSet
        fields = ["id", "code", "name_zh", "name_en", "school_types", "period_type", "review_steps",
                  "is_district_level", "elements"]


class PeriodSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportingPeriod
        fields = ["id", "dataset", "year", "semester", "opens_on", "deadline", "closed"]


class SubmissionSerializer(serializers.ModelSerializer):
    values = serializers.SerializerMethodField()

    class Meta:
        model = Submission
        fields = ["id", "period", "school", "status", "version", "submitted_at", "approved_at", "return_reason",
                  "values"]
        read_only_fields = fields

    def get_values(self, obj) -> dict:
        return {code: (None if v.value is None else str(v.value)) for code, v in submission_values(obj).items()}


class OpenSerializer(serializers.Serializer):
    period = serializers.IntegerField()
    school = serializers.IntegerField(required=False, allow_null=True)


class ValuesSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    values = serializers.DictField(child=serializers.CharField(allow_blank=True, allow_null=True))
    explanations = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class SchoolViewSet(viewsets.ModelViewSet):
    """Bureau admin creates and edits schools; others read the schools they may see."""

    serializer_class = SchoolSerializer
    permission_classes = [permissions.IsAuthenticated, CollectionRole]
    filterset_fields = ["town", "school_type", "ownership", "is_urban", "is_minority_language"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return schools_visible_to(self.request.user).order_by("code")

    def check_permissions(self, request):
        super().check_permissions(request)
        if request.method not in permissions.SAFE_METHODS and role_of(request.user) != Role.BUREAU_ADMIN:
            raise PermissionDenied("只有教体局管理员可以维护学校")


class ElementViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = DataElement.objects.order_by("code")
    serializer_class = ElementSerializer
    permission_classes = [permissions.IsAuthenticated, CollectionRole]


class DataSetViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = DataSet.objects.prefetch_related("elements").order_by("code")
    serializer_class = DataSetSerializer
    permission_classes = [permissions.IsAuthenticated, CollectionRole]


class PeriodViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = ReportingPeriod.objects.order_by("-year", "dataset")
    serializer_class = PeriodSerializer
    permission_classes = [permissions.IsAuthenticated, CollectionRole]
    filterset_fields = ["dataset", "year", "closed"]


class SubmissionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = SubmissionSerializer
    permission_classes = [permissions.IsAuthenticated, CollectionRole]
    filterset_fields = ["period", "school", "status"]

    def get_queryset(self):
        return submissions_visible_to(self.request.user).order_by("id")

    def get_object(self):
        return get_submission_for_user(self.request.user, self.kwargs["pk"])

    @extend_schema(request=OpenSerializer, responses=SubmissionSerializer)
    def create(self, request):
        payload = OpenSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        period = ReportingPeriod.objects.filter(pk=payload.validated_data["period"]).first()
        school_id = payload.validated_data.get("school")
        school = schools_visible_to(request.user).filter(pk=school_id).first() if school_id else None
        if period is None or (school_id and school is None):
            raise ValidationError({"period" if period is None else "school": "不存在或无权访问"})
        submission = _service_call(service.submission_open, period=period, school=school, by=request.user)
        return Response(SubmissionSerializer(submission).data, status=201)

    @extend_schema(request=ValuesSerializer, responses=SubmissionSerializer)
    @action(detail=True, methods=["put"])
    def values(self, request, pk=None):
        submission = self.get_object()
        payload = ValuesSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        submission = _service_call(service.submission_save_values, submission=submission, by=request.user,
                                   values=data["values"], explanations=data.get("explanations", {}),
                                   expected_version=data["version"], source="api")
        return Response(SubmissionSerializer(submission).data)

    @extend_schema(request=None, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        submission = _service_call(service.submission_submit, submission=self.get_object(), by=request.user)
        return Response(SubmissionSerializer(submission).data)

    @extend_schema(request=ReasonSerializer, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._review(request, approve=True)

    @extend_schema(request=ReasonSerializer, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        return self._review(request, approve=False)

    def _review(self, request, *, approve):
        reason = ReasonSerializer(data=request.data)
        reason.is_valid(raise_exception=True)
        submission = _service_call(service.submission_review, submission=self.get_object(), by=request.user,
                                   approve=approve, reason=reason.validated_data["reason"])
        return Response(SubmissionSerializer(submission).data)
