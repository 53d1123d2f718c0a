from django.contrib import admin

from edugov.models import Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "department", "town", "school"]
    list_filter = ["role"]
    search_fields = ["user__username", "school__name"]
    autocomplete_fields = ["user"]
    raw_id_fields = ["school"]
