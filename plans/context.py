"""Which plan a request is about. Every /plans/ and /reports/ page and the plan and report API ask here.

In order: ``?plan=<id or key>`` (an unknown one is a 404, never a silent other plan) — and it is remembered,
per user (PlanPreference) or, for an anonymous visitor, in the session; else the remembered plan; else the
plan whose years contain today (the newest such, archived ones last); else the most recent plan that has
targets or action items (a new, empty plan does not hide the one with data); else the newest plan.
The answer is kept on the request, so a page and its header's plan switcher agree and ask once.
"""
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from plans.models import ActionItem, AnnualTarget, Plan, PlanPreference

PARAM = "plan"
SESSION_KEY = "plans.plan_id"
_CACHE = "_edugov_plan"
_PLANS = "_edugov_plans"


class UnknownPlan(Http404):
    """?plan= names no plan: the page says so (404) rather than showing another plan under its name."""


def plan_for_request(request, *, remember: bool = True) -> Plan:
    """The request's plan; Http404 (with a Chinese message) for an unknown ?plan= or when no plan is loaded.
    ``remember=False`` (the API): a script's ?plan= does not change the page a person opens next."""
    cached = getattr(request, _CACHE, None)
    if cached is not None:
        return cached
    plans = plans_of_request(request)
    raw = (request.GET.get(PARAM) or "").strip()
    if raw:
        plan = plan_by_ref(plans, raw)
        if plan is None:
            raise UnknownPlan(_("没有标识或编号为 “%(raw)s” 的实施方案") % {"raw": raw[:64]})
        if remember:
            plan_remember(request=request, plan=plan)
    else:
        plan = remembered_plan(request, plans) or default_plan(plans, today=timezone.localdate())
    if plan is None:
        raise Http404(_("尚未载入实施方案,请运行 manage.py load_plan 或导入实施方案"))
    setattr(request, _CACHE, plan)
    return plan


def use_plan(request, plan: Plan) -> None:
    """A page that shows another plan than the request's (an item's own plan, an indicator measured only by
    another plan) says so here, so the header's switcher names the plan the page shows."""
    setattr(request, _CACHE, plan)


def resolved_plan_id(request) -> int | None:
    """The plan this request was resolved to, if it was (a cache key needs it: one URL, many users' plans)."""
    plan = getattr(request, _CACHE, None)
    return plan.pk if plan is not None else None


def plans_of_request(request) -> list[Plan]:
    """Every plan (a bureau has a handful), each marked ``has_data`` and ``remembered``, in one query kept on
    the request: the resolution and the switcher read this list."""
    cached = getattr(request, _PLANS, None)
    if cached is None:
        plans = Plan.objects.annotate(has_targets=Exists(AnnualTarget.objects.filter(plan=OuterRef("pk"))),
                                      has_items=Exists(ActionItem.objects.filter(programme__plan=OuterRef("pk"))))
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            plans = plans.annotate(remembered=Exists(PlanPreference.objects.filter(user=user, plan=OuterRef("pk"))))
        cached = list(plans.order_by("archived", "-start_year", "-id"))
        setattr(request, _PLANS, cached)
    return cached


def plan_by_ref(plans: list[Plan], raw: str) -> Plan | None:
    """A plan by its key (「dongsheng-2019-2022」) or, failing that, its id."""
    found = next((p for p in plans if p.key == raw), None)
    if found is None and raw.isdecimal():
        found = next((p for p in plans if str(p.pk) == raw), None)
    return found


def remembered_plan(request, plans: list[Plan]) -> Plan | None:
    remembered = next((p for p in plans if getattr(p, "remembered", False)), None)
    if remembered is None and hasattr(request, "session"):
        plan_id = request.session.get(SESSION_KEY)
        remembered = next((p for p in plans if p.pk == plan_id), None)
    return remembered


def plan_remember(*, request, plan: Plan) -> None:
    """Remember ``plan`` for this user (and this browser session); writes only when the choice changed."""
    if hasattr(request, "session") and request.session.get(SESSION_KEY) != plan.pk:
        request.session[SESSION_KEY] = plan.pk
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and not getattr(plan, "remembered", False):
        PlanPreference.objects.update_or_create(user=user, defaults={"plan": plan})


def default_plan(plans: list[Plan], *, today) -> Plan | None:
    """The plan whose years contain today (not archived first, then the newest), else the most recent plan
    with targets or items, else the most recent plan."""
    def newest(p):
        return (p.end_year, p.start_year, p.pk)

    current = [p for p in plans if p.covers(today.year)]
    if current:
        return max(current, key=lambda p: (not p.archived, *newest(p)))
    with_data = [p for p in plans if p.has_targets or p.has_items]
    return max(with_data or plans, key=newest, default=None)


def plan_choices(request) -> list[Plan]:
    return plans_of_request(request)


# pages about one row of one plan (an item, a school, a frozen meeting): switching plans goes to the overview
_ROW_PAGES = {"item", "evidence", "mine", "import", "import_review", "import_confirm", "school", "meeting",
              "export", "briefing"}


def switch_action(request) -> str | None:
    """Where the header's plan switcher sends ?plan=: the same list page, or the plan overview; None outside
    the plan and report pages."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.namespace not in ("plans", "reports"):
        return None
    return reverse("plans:overview") if match.url_name in _ROW_PAGES else request.path


def plan_switcher(request) -> dict:
    """Context processor: the plans for the header's switcher and the one this page shows. Lazy: a page
    whose template never draws the switcher (login, errors) runs no query."""

    def current():
        try:
            return plan_for_request(request)
        except Http404:
            return None

    def current_key():
        plan = current()
        return plan.key if plan else ""

    return {"switch_plan_key": SimpleLazyObject(current_key),
            "switch_plans": SimpleLazyObject(lambda: plan_choices(request)),
            "switch_action": SimpleLazyObject(lambda: switch_action(request) or "")}
