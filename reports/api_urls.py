from django.urls import path

from reports import api

urlpatterns = [
    path("reports/overview/", api.OverviewView.as_view(), name="api-report-overview"),
    path("reports/snapshots/", api.SnapshotListView.as_view(), name="api-snapshots"),
    path("reports/snapshots/<int:pk>/", api.SnapshotDetailView.as_view(), name="api-snapshot"),
]
