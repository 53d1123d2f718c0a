"""Action items seen from above: a department × year heatmap of completion, the overdue items
and each department's scorecard.

Two words, each with one meaning (plans.models.ItemStatus): 「滞后」 counts items whose department reported
them as behind schedule (status DELAYED); 「逾期未完成」 counts items of a finished year not done
(ActionItem.is_overdue), whatever their status. An item can be both; the scorecard shows both columns."""
from collections import defaultdict

from django.db.models import Count, Q

from plans.models import ActionItem, ItemStatus, Plan

OVERDUE_SHOWN = 100


def action_counts(items, today) -> dict:
    """Items (each once, whatever its departments), done, overdue and self-reported delayed: one query."""
    return items.aggregate(total=Count("id"), done=Count("id", filter=Q(status=ItemStatus.DONE)),
                           overdue_total=Count("id", filter=ActionItem.overdue_q(today)),
                           delayed_total=Count("id", filter=Q(status=ItemStatus.DELAYED)))


def actions_payload(*, plan: Plan, today, with_items: bool = True) -> dict:
    """with_items=False leaves out the overdue items as model rows (meeting mode reads them as plain data)."""
    items = ActionItem.objects.filter(programme__plan=plan)
    rows = (items.values("departments__id", "departments__name", "year", "status")
            .annotate(n=Count("id")).order_by("departments__id", "year"))
    cells = defaultdict(lambda: defaultdict(lambda: dict.fromkeys(ItemStatus.values, 0)))
    names = {}
    for row in rows:
        if row["departments__id"] is None:
            continue
        names[row["departments__id"]] = row["departments__name"]
        cells[row["departments__id"]][row["year"]][row["status"]] += row["n"]
    years = plan.years
    heatmap = {"departments": list(names.values()), "years": years, "share": [], "text": []}
    scorecards = []
    for dept_id, name in names.items():
        shares, texts = [], []
        card = {"department": name, "department_id": dept_id, "total": 0, "done": 0, "in_progress": 0,
                "not_started": 0, "delayed": 0, "overdue": 0}
        for year in years:
            counts = cells[dept_id][year]
            total = sum(counts.values())
            shares.append(round(100 * counts[ItemStatus.DONE] / total, 1) if total else None)
            texts.append(f"{counts[ItemStatus.DONE]}/{total}" if total else "")
            _score(card, counts, year, today)
        heatmap["share"].append(shares)
        heatmap["text"].append(texts)
        scorecards.append(card)
    overdue = items.filter(ActionItem.overdue_q(today))
    overdue_list = list(overdue.select_related("programme").prefetch_related("departments")
                        .order_by("year", "programme__number", "order")[:OVERDUE_SHOWN]) if with_items else []
    return {"heatmap": heatmap, "scorecards": scorecards, "overdue": overdue_list, **action_counts(items, today)}


def _score(card: dict, counts: dict, year: int, today) -> None:
    """Self-reported statuses (they add up to the total), and the overdue ones among them."""
    card["total"] += sum(counts.values())
    for status in ItemStatus.values:
        card[status] += counts[status]
    if year < today.year:  # ActionItem.is_overdue, counted
        card["overdue"] += sum(counts.values()) - counts[ItemStatus.DONE]


def department_across_plans(*, department, today) -> dict:
    """One department's items in every plan (departments are shared by plans; a renamed office is one row with
    aliases): per plan the items, done, in progress, not started, 滞后 and 逾期未完成, newest plan first, and
    their sum. Two queries whatever the number of plans."""
    counts = {ItemStatus.DONE: "done", ItemStatus.IN_PROGRESS: "in_progress", ItemStatus.NOT_STARTED: "not_started",
              ItemStatus.DELAYED: "delayed"}
    rows = (ActionItem.objects.filter(departments=department).values("programme__plan_id").order_by()
            .annotate(total=Count("id"), overdue=Count("id", filter=ActionItem.overdue_q(today)),
                      **{name: Count("id", filter=Q(status=status)) for status, name in counts.items()}))
    by_plan = {row.pop("programme__plan_id"): row for row in rows}
    plans = Plan.objects.filter(pk__in=by_plan).order_by("archived", "-start_year", "-id")
    per_plan = [{"plan": plan, **by_plan[plan.pk]} for plan in plans]
    keys = ["total", "overdue", *counts.values()]
    return {"department": department, "plans": per_plan,
            "totals": {key: sum(row[key] for row in per_plan) for key in keys}}
