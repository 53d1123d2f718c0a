from django.urls import path

from plans import views

app_name = "plans"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("programmes/<int:number>/", views.programme, name="programme"),
    path("items/", views.items, name="items"),
    path("items/<int:pk>/", views.item, name="item"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
    path("targets/", views.targets, name="targets"),
    path("target-sources/<int:pk>/resolve/", views.resolve_conflict, name="resolve"),
]
