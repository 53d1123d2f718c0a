from django.contrib import admin

from edugov.models import Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "department", "town", "school", "must_change_password"]
    list_filter = ["role", "must_change_password"]  # which schools have not yet replaced their one-time password
    search_fields = ["user__username", "school__name"]
    autocomplete_fields = ["user"]
    raw_id_fields = ["school"]
