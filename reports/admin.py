from django.contrib import admin

from reports.models import ExportJob, MeetingSnapshot


@admin.register(MeetingSnapshot)
class MeetingSnapshotAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "data_as_of", "frozen_at", "frozen_by"]
    readonly_fields = ["payload", "frozen_at"]


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "year", "status", "created_by", "created_at", "finished_at"]
    list_filter = ["kind", "status"]
