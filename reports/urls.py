from django.urls import path

from reports.views import dashboards, exports, meeting

app_name = "reports"
urlpatterns = [
    path("", dashboards.overview, name="overview"),
    path("print/", dashboards.print_report, name="print"),
    path("indicators/<slug:code>/", dashboards.indicator, name="indicator"),
    path("schools/<str:code>/", dashboards.school, name="school"),
    path("actions/", dashboards.actions, name="actions"),
    path("collection/", dashboards.collection, name="collection"),
    path("meetings/", meeting.meetings, name="meetings"),
    path("meetings/<int:pk>/", meeting.meeting, name="meeting"),
    path("meetings/<int:pk>/deck/", exports.start_deck, name="deck"),
    path("exports/workbook/", exports.start_workbook, name="workbook"),
    path("exports/<int:pk>/", exports.export, name="export"),
    path("exports/<int:pk>/status/", exports.export_status, name="export_status"),
    path("exports/<int:pk>/download/", exports.export_download, name="export_download"),
]
