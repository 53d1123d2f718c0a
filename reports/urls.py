from django.urls import path

from reports.views import balance, briefing, compare, dashboards, departments, exports, meeting, report

app_name = "reports"
urlpatterns = [
    path("", dashboards.overview, name="overview"),
    path("print/", report.print_report, name="print"),
    path("print/pdf/", report.start_pdf, name="pdf"),
    path("indicators/<slug:code>/", dashboards.indicator, name="indicator"),
    path("schools/<str:code>/", dashboards.school, name="school"),
    path("actions/", dashboards.actions, name="actions"),
    path("departments/<int:pk>/", departments.department, name="department"),
    path("balance/", balance.balance, name="balance"),
    path("compare/", compare.compare, name="compare"),
    path("collection/", dashboards.collection, name="collection"),
    path("meetings/", meeting.meetings, name="meetings"),
    path("meetings/live/", meeting.meeting_live, name="meeting_live"),
    path("meetings/<int:pk>/", meeting.meeting, name="meeting"),
    path("meetings/<int:pk>/deck/", exports.start_deck, name="deck"),
    path("meetings/<int:pk>/briefing/", briefing.briefing, name="briefing"),
    path("meetings/<int:pk>/briefing.docx", briefing.briefing_docx, name="briefing_docx"),
    path("exports/workbook/", exports.start_workbook, name="workbook"),
    path("exports/<int:pk>/", exports.export, name="export"),
    path("exports/<int:pk>/status/", exports.export_status, name="export_status"),
    path("exports/<int:pk>/download/", exports.export_download, name="export_download"),
]
