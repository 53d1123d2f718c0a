from django.urls import path

from indicators.views import rollup

urlpatterns = [
    path("", rollup.runs, name="rollup_runs"),
    path("run/", rollup.run_now, name="rollup_run_now"),
]
