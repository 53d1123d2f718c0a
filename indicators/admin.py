from django import forms
from django.contrib import admin

from indicators.formula import FormulaError, parse
from indicators.models import (
    DataElement,
    DataSet,
    DataSetElement,
    District,
    EducationGroup,
    ReminderLog,
    ReportingPeriod,
    School,
    Submission,
    SubmissionTransition,
    SubmissionValue,
    Town,
    ValidationRule,
    ValueChange,
)

admin.site.register([District, EducationGroup])


@admin.register(Town)
class TownAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_street", "district"]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "town", "school_type", "ownership", "is_puhui", "is_minority_language", "is_urban"]
    list_filter = ["school_type", "ownership", "town", "is_urban", "is_minority_language"]
    search_fields = ["code", "name"]


@admin.register(DataElement)
class DataElementAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "unit", "value_type", "min_value", "max_value", "jump_share"]
    search_fields = ["code", "name_zh"]


class MemberInline(admin.TabularInline):
    model = DataSetElement
    extra = 0


class RuleForm(forms.ModelForm):
    class Meta:
        model = ValidationRule
        fields = ["dataset", "code", "left", "operator", "right", "message_zh", "message_en", "active"]

    def clean(self):
        cleaned = super().clean()
        known = set(DataElement.objects.values_list("code", flat=True))
        for side in ("left", "right"):
            try:
                parse(cleaned.get(side) or "", known_codes=known)
            except FormulaError as exc:
                self.add_error(side, str(exc))
        return cleaned


class RuleInline(admin.TabularInline):
    model = ValidationRule
    form = RuleForm
    extra = 0


@admin.register(DataSet)
class DataSetAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "period_type", "review_steps", "is_district_level"]
    inlines = [MemberInline, RuleInline]


@admin.register(ValidationRule)
class ValidationRuleAdmin(admin.ModelAdmin):
    form = RuleForm
    list_display = ["dataset", "code", "left", "operator", "right", "message_zh", "active"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["dataset", "year", "semester", "opens_on", "deadline", "closed"]
    list_filter = ["closed", "year", "dataset"]


class ValueInline(admin.TabularInline):
    model = SubmissionValue
    extra = 0
    readonly_fields = ["element", "value", "explanation"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # values change through the services, which keep the audit trail


class ReadOnlyMixin:
    """Append-only rows (the audit trail): shown, never added, changed or deleted here, not even by a
    superuser. The services write them; the database refuses updates too (migration 0005)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TransitionInline(ReadOnlyMixin, admin.TabularInline):
    model = SubmissionTransition
    extra = 0
    readonly_fields = ["from_status", "to_status", "by", "at", "reason"]
    can_delete = False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["period", "school", "status", "submitted_at", "approved_at"]
    list_filter = ["status", "period__year", "period__dataset"]
    search_fields = ["school__name", "school__code"]
    readonly_fields = ["status", "version", "submitted_at", "approved_at", "return_reason"]
    inlines = [ValueInline, TransitionInline]

    def get_readonly_fields(self, request, obj=None):
        # Moving a submission to another school or period would carry its figures, approval and audit trail
        # with it; once it exists, and above all once approved, nothing on it changes here.
        if obj is not None:
            return [field.name for field in self.model._meta.fields]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False  # deleting would take its audit trail with it (and PostgreSQL refuses that)


@admin.register(ValueChange)
class ValueChangeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["submission", "element", "old_value", "new_value", "old_explanation", "new_explanation", "by",
                    "at", "source"]
    list_filter = ["source"]


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    list_display = ["period", "school", "sent_on", "recipients"]


from indicators import admin_rollup  # noqa: E402,F401  (rollup models' admin lives beside the engine)
