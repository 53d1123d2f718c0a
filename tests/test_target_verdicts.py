"""Every Dongsheng target on the shipped demo data: its comparator, value, scope and verdict, read from
one hand-checked table (tests/data/dongsheng_target_verdicts.csv) and compared with what the rollup
stores, the overview, the indicator page, the meeting snapshot and the workbook export show — one
verdict, whichever output a leader reads."""
import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from openpyxl import load_workbook

from indicators.models import Indicator, TargetLink, TargetStatus
from plans.models import AnnualTarget, Plan
from reports.exports.workbook import build_workbook
from reports.formatting import STATUS_LABELS
from reports.selectors.indicator import indicator_payload
from reports.selectors.overview import overview_payload
from reports.services import snapshot_payload

TABLE = Path(__file__).parent / "data" / "dongsheng_target_verdicts.csv"
TRACKED_BY_ITEMS = "items"  # the verdict column of a target no figure measures

pytestmark = [pytest.mark.xdist_group("demo-district")]


def _table() -> list[dict]:
    with TABLE.open(encoding="utf-8") as handle:
        return list(csv.DictReader(row for row in handle if not row.startswith("#")))


def _number(text: str):
    return None if text == "" else Decimal(text)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The district `make run` shows (150 schools, 2019–2022, 2022 still open), built once for the module
    inside a transaction that is rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        allow = ["--allow-production-demo"]  # tests run with DEBUG off
        for command, args in [("load_plan", []), ("demo_accounts", allow), ("demo_progress", allow),
                              ("load_definitions", []), ("demo_data", allow)]:
            call_command(command, *args, stdout=io.StringIO())
        plan = Plan.objects.get(key="dongsheng-2019-2022")
        yield plan
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def outputs(demo):
    """What each output says of each (measure, year): status from the overview cards, the indicator pages,
    the meeting payload and the workbook's 目标与实际 sheet."""
    plan = demo
    said = {"overview": {}, "indicator": {}, "meeting": {}, "workbook": {}, "stored": {}}
    actuals = {}
    indicators = {i.code: i for i in Indicator.objects.all()}
    for year in plan.years:
        for card in overview_payload(plan=plan, year=year)["cards"]:
            said["overview"][(card["measure"], year)] = card["status"]
            actuals[(card["measure"], year)] = card["actual"]
            page = indicator_payload(plan=plan, indicator=indicators[card["indicator"]], year=year,
                                     with_schools=False)
            said["indicator"][(card["measure"], year)] = page["status"]
        meeting = snapshot_payload(plan=plan, year=year, indicators=[])
        for card in meeting["overview"]["cards"]:
            said["meeting"][(card["measure"], year)] = card["status"]
    labels = {str(label): code for code, label in STATUS_LABELS.items()}
    names = {(t.name, t.year): t.measure for t in AnnualTarget.objects.filter(plan=plan)}
    sheet = load_workbook(io.BytesIO(build_workbook(plan=plan, year=plan.end_year)))["目标与实际"]
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2, values_only=True):
        record = dict(zip(header, row, strict=True))
        said["workbook"][(names[(record["目标"], record["年度"])], record["年度"])] = labels[record["状态"]]
    for status in TargetStatus.objects.select_related("target"):
        said["stored"][(status.target.measure, status.target.year)] = status.status
    return said, actuals


def test_table_covers_every_target_of_the_plan(demo, db):
    in_plan = {(t.measure, t.year) for t in AnnualTarget.objects.filter(plan=demo)}
    in_table = {(row["measure"], int(row["year"])) for row in _table()}
    assert in_table == in_plan
    assert len(in_plan) == 69


@pytest.mark.parametrize("row", _table(), ids=lambda r: f"{r['measure']}-{r['year']}")
def test_target_semantics_and_verdict_agree_everywhere(demo, outputs, row, db):
    outputs, actuals = outputs
    key = (row["measure"], int(row["year"]))
    target = AnnualTarget.objects.get(plan=demo, measure=row["measure"], year=int(row["year"]))
    link = TargetLink.objects.filter(plan=demo, measure=row["measure"]).first()
    # semantics from the text: comparator and value as the plan loader read them
    assert (target.comparator, target.value, target.low, target.high) == (
        row["comparator"], _number(row["value"]), _number(row["low"]), _number(row["high"]))
    if row["verdict"] == TRACKED_BY_ITEMS:
        assert link is None or link.indicator_id is None
        assert all(key not in said for said in outputs.values())
        return
    assert link.scope == row["scope"]
    # one verdict, five outputs
    seen = {name: said.get(key) for name, said in outputs.items()}
    assert seen == dict.fromkeys(outputs, row["verdict"])
    assert actuals[key] == pytest.approx(float(row["demo_actual"]), abs=0.0005)


def test_forecast_beats_the_naive_forecast_on_the_demo_data(demo, db):
    """The backtest the README reports: each observed year predicted from the years before it."""
    from indicators import forecast
    from indicators.selectors.forecast import yearly_series

    shares = [(years, values) for _, years, values, share in yearly_series(levels=("district",)) if share]
    result = forecast.backtest(shares, bounded=True)
    assert result["n"] >= 15
    assert result["mae_method"] <= result["mae_naive"]


def test_approximation_notes_show_only_on_the_years_whose_wording_differs(demo, db):
    """配备家庭教育指导师: the 2021 「专兼职」 target is measured exactly; only 2022's 「专职」 one is approximate
    (and 新开工建设 only in 2019, 二级乙类 only in 2022)."""
    approximate = {(c["measure"], year) for year in demo.years
                   for c in overview_payload(plan=demo, year=year)["cards"] if c["approximate"]}
    assert approximate == {("new_primary_schools", 2019), ("senior_teacher_postgraduate_share", 2021),
                           ("kg_grade_2a_plus_share", 2022), ("family_education_instructor_schools", 2022)}
