from django.urls import include, path

from indicators.views import collection, links

app_name = "indicators"
urlpatterns = [
    path("", collection.home, name="home"),
    path("periods/<int:period_id>/start/", collection.start, name="start"),
    path("periods/<int:period_id>/review/", collection.review_period, name="review_period"),
    path("periods/<int:period_id>/remind/", collection.remind, name="remind"),
    path("periods/<int:period_id>/late.xlsx", collection.late_export, name="late_export"),
    path("submissions/<int:pk>/", collection.submission_form, name="submission_form"),
    path("submissions/<int:pk>/review/", collection.submission_detail, name="submission_detail"),
    path("submissions/<int:pk>/withdraw/", collection.withdraw, name="withdraw"),
    path("review/bulk-approve/", collection.bulk_approve, name="bulk_approve"),
    path("links/<slug:measure>/", links.target_link, name="target_link"),
    path("excel/", include("indicators.excel_urls")),
    path("rollup/", include("indicators.rollup_urls")),
]
