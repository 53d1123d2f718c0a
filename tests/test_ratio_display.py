"""A ratio target's figure reads 「1:1,850」 wherever a target's actual is written as text — the targets page, the
overview card and risk list, the indicator page's headline and tables, the A4 report — through one helper
(plans.models.ratio_text, which reports.formatting.fmt_value uses), never 「1850」 or 「1:1850」."""
from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import Indicator, IndicatorValue, TargetLink, TargetStatus
from plans.models import AnnualTarget, Plan, ratio_text
from reports.formatting import fmt_value
from tests.reports_fixtures import AS_OF


@pytest.fixture
def ratio_plan(cast):
    plan = Plan.objects.create(key="psych-plan", title="心理健康教育实施方案", start_year=2021, end_year=2022)
    target = AnnualTarget.objects.create(plan=plan, measure="psych_ratio", name="农村学校专职心理健康教师师生比",
                                         year=2022, comparator="lte", value=Decimal(2000), kind="ratio")
    indicator = Indicator.objects.create(code="psych_ratio", name_zh="专职心理健康教师师生比", name_en="Pupils per "
                                         "psychology teacher", numerator="P", denominator="T", unit="", decimals=0)
    TargetLink.objects.create(plan=plan, measure="psych_ratio", indicator=indicator, tolerance=Decimal(100),
                              scope="town")
    for level, key, label, value in [("district", "district", "全区", "1850.4"),
                                     ("town", cast.town_a.code, cast.town_a.name, "2300"),
                                     ("town", cast.town_b.code, cast.town_b.name, "1420")]:
        IndicatorValue.objects.create(indicator=indicator, year=2022, level=level, unit_key=key, unit_label=label,
                                      value=Decimal(value), schools_expected=10, schools_reported=10,
                                      computed_at=AS_OF)
    TargetStatus.objects.create(target=target, indicator=indicator, actual=Decimal("1850.4"), status="met",
                                schools_expected=10, schools_reported=10, computed_at=AS_OF)
    return plan


@pytest.mark.parametrize("value, text", [
    (Decimal("1850.4"), "1:1,850"), (2000, "1:2,000"), (12345.6, "1:12,346"), (Decimal("13.46"), "1:13.5"),
    (Decimal(8), "1:8"),
])
def test_one_helper_writes_every_ratio(value, text):
    assert ratio_text(value) == text
    assert fmt_value(value, "", 0, "ratio") == text


def test_targets_page_writes_the_ratio_with_separators(client, cast, ratio_plan):
    client.force_login(cast.leader)
    page = client.get(f"{reverse('plans:targets')}?plan={ratio_plan.key}").content.decode()
    assert '<strong class="actual">1:1,850</strong>' in page and "不低于1:2000" in page


def test_indicator_page_headline_and_town_table_write_ratios(client, cast, ratio_plan):
    client.force_login(cast.leader)
    page = client.get(f"{reverse('reports:indicator', args=['psych_ratio'])}?plan={ratio_plan.key}&year=2022"
                      ).content.decode()
    assert '<strong id="district-value">1:1,850</strong>' in page
    assert '<td class="num">1:2,300</td>' in page and '<td class="num">1:1,420</td>' in page
    assert ">1850<" not in page and ">1,850<" not in page


def test_overview_card_risk_list_and_print_page_write_ratios(client, cast, ratio_plan):
    client.force_login(cast.leader)
    overview = client.get(f"{reverse('reports:overview')}?plan={ratio_plan.key}&year=2022").content.decode()
    assert '<dd class="actual">1:1,850' in overview
    printed = client.get(f"{reverse('reports:print')}?plan={ratio_plan.key}&year=2022").content.decode()
    assert '<td class="num nowrap">1:1,850</td>' in printed


def test_meeting_slide_headline_and_briefing_sentence_write_ratios():
    from reports.briefing import _card_sentence
    from reports.slides import target_headline

    card = {"name": "农村学校专职心理健康教师师生比", "year": 2022, "actual": 1850.4, "unit": "", "decimals": 0,
            "kind": "ratio", "status": "met", "margin": -149.6, "goal": {"display": "不低于1:2000"},
            "schools_reported": 10, "schools_expected": 10}
    assert "1:1,850" in target_headline(card) and "1:1,850" in _card_sentence(card)
