from django.contrib import admin

from plans.models import (
    ActionItem,
    ActionItemUpdate,
    AnnualTarget,
    Department,
    DepartmentAlias,
    Evidence,
    Plan,
    Programme,
    TargetSource,
)


class ProgrammeInline(admin.TabularInline):
    model = Programme
    extra = 0
    fields = ["number", "name"]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "doc_number", "start_year", "end_year"]
    inlines = [ProgrammeInline]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "plan"]
    list_filter = ["plan"]


class AliasInline(admin.TabularInline):
    model = DepartmentAlias
    extra = 0


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    search_fields = ["name", "aliases__name"]
    inlines = [AliasInline]


class UpdateInline(admin.TabularInline):
    model = ActionItemUpdate
    extra = 0
    can_delete = False
    readonly_fields = ["by", "at", "on_date", "old_status", "status", "old_progress", "progress", "note"]

    def has_add_permission(self, request, obj=None):
        return False  # progress is recorded through the service, which keeps the history


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ["year", "programme", "order", "short_text", "status", "progress"]
    list_filter = ["year", "status", "programme", "departments"]
    search_fields = ["text"]
    filter_horizontal = ["departments"]
    readonly_fields = ["status", "progress", "updated_at"]
    inlines = [UpdateInline]

    @admin.display(description="工作内容")
    def short_text(self, obj):
        return obj.text[:40]


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ["original_name", "update", "size", "content_type"]


class SourceInline(admin.TabularInline):
    model = TargetSource
    extra = 0


@admin.register(AnnualTarget)
class AnnualTargetAdmin(admin.ModelAdmin):
    list_display = ["year", "name", "measure", "comparator", "value", "low", "high", "approximate", "conflict"]
    list_filter = ["year", "conflict", "conflict_resolved"]
    search_fields = ["name", "measure"]
    inlines = [SourceInline]
