"""Reads shared by the plan pages and the API."""
from django.db.models import Count, Prefetch, Q, QuerySet

from plans.models import ActionItem, AnnualTarget, Department, ItemStatus, Plan, Programme, TargetSource


def current_plan() -> Plan | None:
    return Plan.objects.order_by("-start_year", "-id").first()


def items_filtered(*, plan: Plan, department=None, year=None, programme=None, status=None, q=None) -> QuerySet:
    items = ActionItem.objects.filter(programme__plan=plan)
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


def status_counts(items: QuerySet) -> dict[str, int]:
    counts = dict(items.order_by().values_list("status").annotate(n=Count("id")))
    return {status: counts.get(status, 0) for status in ItemStatus.values}


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


def departments_of(plan: Plan) -> QuerySet:
    return Department.objects.filter(items__programme__plan=plan).distinct().order_by("id")


def programme_detail(plan: Plan, number: int) -> Programme | None:
    return plan.programmes.filter(number=number).first()


def targets_of_programme(programme: Programme) -> QuerySet:
    """Targets whose source sentence sits in this programme's section or its table rows."""
    sections = [programme.name]
    return AnnualTarget.objects.filter(plan=programme.plan, sources__section__in=sections).distinct()
