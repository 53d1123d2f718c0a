from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from plans.models import (
    ActionItem,
    ActionItemUpdate,
    AnnualTarget,
    Department,
    DepartmentAlias,
    Evidence,
    Plan,
    Programme,
    TargetRevision,
    TargetSource,
)
from plans.services.targets import plan_set_archived


class ProgrammeInline(admin.TabularInline):
    model = Programme
    extra = 0
    fields = ["number", "name"]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "doc_number", "start_year", "end_year", "archived"]
    list_filter = ["archived"]
    readonly_fields = ["archived"]  # changed only through the actions, i.e. the service
    inlines = [ProgrammeInline]
    actions = ["archive", "reopen"]

    @admin.action(description=_("归档所选方案(只读,仍可查看)"))
    def archive(self, request, queryset):
        for plan in queryset:
            plan_set_archived(plan=plan, by=request.user, archived=True)

    @admin.action(description=_("恢复所选方案"))
    def reopen(self, request, queryset):
        for plan in queryset:
            plan_set_archived(plan=plan, by=request.user, archived=False)


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


class RevisionInline(admin.TabularInline):
    """Revisions are made on the target's 「修订」 page (target_revise keeps the old goal); here they are read."""

    model = TargetRevision
    extra = 0
    can_delete = False
    fields = readonly_fields = ["at", "by", "old_comparator", "old_value", "old_low", "old_high", "comparator",
                                "value", "low", "high", "reason", "document"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AnnualTarget)
class AnnualTargetAdmin(admin.ModelAdmin):
    list_display = ["year", "name", "measure", "kind", "comparator", "value", "low", "high", "baseline",
                    "approximate", "conflict"]
    list_filter = ["plan", "year", "kind", "conflict", "conflict_resolved"]
    search_fields = ["name", "measure"]
    inlines = [SourceInline, RevisionInline]

    def get_readonly_fields(self, request, obj=None):
        # a loaded target's goal changes on its 「修订」 page, which keeps the old goal, the reason and the document
        return ["comparator", "value", "low", "high"] if obj is not None else []
