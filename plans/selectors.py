"""Reads shared by the plan pages and the API."""
from django.db.models import BooleanField, Count, ExpressionWrapper, Prefetch, Q, QuerySet

from plans.models import ActionItem, AnnualTarget, Department, ItemStatus, Plan, Programme, TargetSource
from plans.services.conflicts import differences, section_kind


def items_filtered(*, plan: Plan, today=None, department=None, year=None, programme=None, status=None, q=None,
                   overdue=False) -> QuerySet:
    """Items of a plan, filtered; with ``today`` each carries ``overdue`` (逾期未完成, ActionItem.is_overdue)."""
    items = ActionItem.objects.filter(programme__plan=plan)
    if today is not None:
        items = items.annotate(overdue=ExpressionWrapper(ActionItem.overdue_q(today), output_field=BooleanField()))
        if overdue:
            items = items.filter(ActionItem.overdue_q(today))
    if department:
        items = items.filter(departments=department)
    if year:
        items = items.filter(year=year)
    if programme:
        items = items.filter(programme__number=programme)
    if status:
        items = items.filter(status=status)
    if q:
        items = items.filter(text__icontains=q)
    return items.select_related("programme").prefetch_related("departments").order_by(
        "year", "programme__number", "order"
    )


def department_tasks(*, plan: Plan, department: Department, today) -> dict:
    """「我的任务」: the department's overdue items (逾期未完成, any year, the same rule and count as the actions
    dashboard's scorecard) first, then the rest of the plan year in progress (the last one once the plan ended)."""
    items = items_filtered(plan=plan, today=today, department=department)
    year = min(max(today.year, plan.start_year), plan.end_year)
    overdue = items.filter(ActionItem.overdue_q(today))
    current = items.filter(year=year).exclude(ActionItem.overdue_q(today))
    return {"year": year, "overdue": list(overdue), "current": list(current), "total": items.count()}


def status_counts(items: QuerySet) -> dict[str, int]:
    """Items by self-reported status (滞后 is DELAYED, nothing else)."""
    counts = dict(items.order_by().values_list("status").annotate(n=Count("id")))
    return {status: counts.get(status, 0) for status in ItemStatus.values}


def overdue_count(items: QuerySet, today) -> int:
    """Items of a finished year not done (逾期未完成), whatever their status."""
    return items.filter(ActionItem.overdue_q(today)).count()


def programmes_with_progress(plan: Plan) -> QuerySet:
    return plan.programmes.annotate(
        item_count=Count("items"),
        done_count=Count("items", filter=Q(items__status=ItemStatus.DONE)),
    ).order_by("number")


def targets_for(*, plan: Plan, year=None, conflict_only=False) -> QuerySet:
    targets = plan.targets.prefetch_related(Prefetch("sources", queryset=TargetSource.objects.order_by("position")))
    if year:
        targets = targets.filter(year=year)
    if conflict_only:
        targets = targets.filter(conflict=True)
    return targets.order_by("year", "measure")


def with_conflict_reasons(targets) -> list[AnnualTarget]:
    """Targets (sources prefetched), each with ``reasons`` (why its sources disagree) and each source with
    ``kind`` (overall / programme / yearly), for the page that shows a conflict until the bureau resolves it."""
    targets = list(targets)
    for target in targets:
        sources = list(target.sources.all())
        target.reasons = differences([{"text": s.text, "comparator": s.comparator, "value": s.value, "low": s.low,
                                       "high": s.high, "approximate": s.approximate} for s in sources])
        for source in sources:
            source.kind = section_kind(source.section)
    return targets


def departments_of(plan: Plan) -> QuerySet:
    return Department.objects.filter(items__programme__plan=plan).distinct().order_by("id")


def programme_detail(plan: Plan, number: int) -> Programme | None:
    return plan.programmes.filter(number=number).first()


def targets_of_programme(programme: Programme) -> QuerySet:
    """Targets whose source sentence sits in this programme's section or its table rows."""
    sections = [programme.name]
    return AnnualTarget.objects.filter(plan=programme.plan, sources__section__in=sections).distinct()
