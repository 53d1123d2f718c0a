"""「优质均衡创建」: the seven resource indicators per section, their 差异系数, the schools short of the standard
and what each needs, and the verdict per section by year. Bureau staff and leaders see every school; a school
reporter sees the county figures and its own school only; anyone else is refused."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from indicators.access import BUREAU
from reports import figures
from reports.access import own_school, require_dashboard_role
from reports.selectors.balance import balance_payload


def _year(raw) -> int | None:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


@login_required
def balance(request):
    role = require_dashboard_role(request.user)
    mine = own_school(request.user)
    if role not in BUREAU and mine is None:
        raise PermissionDenied(_("仅限教育局人员、区领导和学校查看"))
    data = balance_payload(year=_year(request.GET.get("year")), own_school=mine)
    columns = list(data["standards"].indicators) if data.get("standards") else []
    for section in data.get("sections", []):
        for school in section.schools:
            school.cells = list(zip(school.results, columns, strict=False))
    charts = _trend_charts(data.get("trend") or [], columns)
    return render(request, "reports/balance.html", {"data": data, "columns": columns, "active": "balance",
                                                    "charts": charts})


def _trend_charts(trend: list[dict], columns: list) -> list[dict]:
    """Per section, the largest 差异系数 by year against its maximum and the schools meeting the rule by year, drawn
    from the same points as the year table below them."""
    english = (get_language() or "").startswith("en")
    names = [c.name_en if english else c.resource_zh for c in columns]
    charts = []
    for row in trend:
        points, code = row["points"], row["section"].code
        years = [p["year"] for p in points]
        largest = [max(((cv, i) for i, (cv, _ok) in enumerate(p["cv_pairs"]) if cv is not None), default=(None, None))
                   for p in points]
        cv = {"years": years, "cv": [c for c, _i in largest], "cv_max": float(row["section"].cv_max),
              "indicator": ["" if i is None else names[i] for _c, i in largest],
              "provisional": [p["reported"] < p["expected"] for p in points]}
        schools = {"years": years, "passing": [p["passing"] for p in points], "failing": [p["failing"] for p in points],
                   "missing": [p["expected"] - p["reported"] for p in points]}
        row["charts"] = [
            {"id": f"balance-cv-{code}", "data_id": f"balance-cv-{code}-data",
             "figure": figures.balance_cv_figure(cv, title=_("历年最大差异系数"))},
            {"id": f"balance-schools-{code}", "data_id": f"balance-schools-{code}-data",
             "figure": figures.balance_schools_figure(schools, title=_("达到学校要求的学校数"))}]
        charts += row["charts"]
    return charts
