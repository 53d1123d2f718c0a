from django import forms
from django.contrib import admin

from indicators.formula import FormulaError, parse
from indicators.models import DataElement, Indicator, IndicatorValue, RollupRun, TargetGapNote, TargetLink, TargetStatus


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["code", "name_zh", "name_en", "numerator", "denominator", "unit", "decimals", "direction",
                  "school_types", "description"]

    def clean(self):
        cleaned = super().clean()
        known = set(DataElement.objects.values_list("code", flat=True))
        for side in ("numerator", "denominator"):
            text = cleaned.get(side) or ""
            if side == "denominator" and not text.strip():
                continue
            try:
                parse(text, known_codes=known)
            except FormulaError as exc:
                self.add_error(side, str(exc))
        return cleaned


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    form = IndicatorForm
    list_display = ["code", "name_zh", "numerator", "denominator", "unit", "direction"]
    search_fields = ["code", "name_zh"]


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ReadOnly):
    list_display = ["indicator", "year", "level", "unit_label", "value", "schools_reported", "schools_expected"]
    list_filter = ["year", "level", "indicator"]


@admin.register(RollupRun)
class RollupRunAdmin(ReadOnly):
    list_display = ["id", "year", "trigger", "status", "started_at", "finished_at", "duration_ms", "rows_written"]


@admin.register(TargetStatus)
class TargetStatusAdmin(ReadOnly):
    list_display = ["target", "indicator", "actual", "status"]


@admin.register(TargetLink)
class TargetLinkAdmin(admin.ModelAdmin):
    list_display = ["plan", "measure", "indicator", "tolerance", "note"]


@admin.register(TargetGapNote)
class TargetGapNoteAdmin(admin.ModelAdmin):
    list_display = ["target", "by", "at"]
