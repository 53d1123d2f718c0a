from django.urls import path

from indicators.views import excel

# Included by indicators/urls.py under data/excel/ (namespace "indicators").
urlpatterns = [
    path("template/<int:period_id>/", excel.excel_template, name="excel_template"),
    path("upload/", excel.excel_upload, name="excel_upload"),
    path("confirm/", excel.excel_confirm, name="excel_confirm"),
]
