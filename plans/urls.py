from django.urls import path

from plans import views, views_import, views_lifecycle

app_name = "plans"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("programmes/<int:number>/", views.programme, name="programme"),
    path("items/", views.items, name="items"),
    path("mine/", views.mine, name="mine"),
    path("items/<int:pk>/", views.item, name="item"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
    path("targets/", views.targets, name="targets"),
    path("target-sources/<int:pk>/resolve/", views.resolve_conflict, name="resolve"),
    path("targets/<int:pk>/revise/", views_lifecycle.target_revise_page, name="target_revise"),
    path("archive/", views_lifecycle.plan_archive, name="archive"),
    path("import/", views_import.upload, name="import"),
    path("import/review/", views_import.review, name="import_review"),
    path("import/confirm/", views_import.confirm, name="import_confirm"),
]
