"""Reads of rollup results, shared by the API, the rollup page and the dashboards."""
from django.db.models import QuerySet

from indicators.models import IndicatorValue, RollupRun, RunStatus, TargetLink, TargetStatus


def indicator_values_for(*, indicator=None, year=None, level=None, unit_key=None) -> QuerySet:
    values = IndicatorValue.objects.select_related("indicator")
    if indicator is not None:
        values = values.filter(indicator=indicator)
    if year is not None:
        values = values.filter(year=year)
    if level is not None:
        values = values.filter(level=level)
    if unit_key is not None:
        values = values.filter(unit_key=unit_key)
    return values.order_by("indicator__code", "year", "level", "unit_key")


def target_statuses_for(*, plan, year) -> list[TargetStatus]:
    return list(
        TargetStatus.objects.filter(target__plan=plan, target__year=year)
        .select_related("target", "indicator", "target__gap_note")
        .order_by("target__measure")
    )


def links_without_indicator(*, plan) -> QuerySet:
    return TargetLink.objects.filter(plan=plan, indicator__isnull=True).order_by("measure")


def latest_run() -> RollupRun | None:
    return RollupRun.objects.order_by("-id").first()


def data_as_of():
    run = RollupRun.objects.filter(status=RunStatus.SUCCEEDED).order_by("-finished_at").first()
    return run.finished_at if run else None
