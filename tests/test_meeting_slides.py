"""Meeting mode (会议模式) and its deck: the slides' order, headlines in words, live presenting for leaders,
the empty state, and the PowerPoint with the same order and titles."""
import io

import pytest
from django.urls import reverse
from pptx import Presentation
from pptx.oxml.ns import qn

from indicators.models import District
from plans.models import ItemStatus, Programme, TargetSource
from reports.briefing import build_briefing
from reports.exports.deck import build_deck
from reports.models import MeetingSnapshot
from reports.selectors.meeting import programmes_of_measures
from reports.services import snapshot_freeze
from reports.slides import meeting_slides, ordered_cards, target_headline
from tests import reports_fixtures

CARD = {"year": 2022, "name": "普惠性幼儿园覆盖率", "actual": 87.9, "unit": "%", "decimals": 1,
        "goal": {"display": "≥85%"}, "status": "met", "margin": 2.9, "provisional": False,
        "schools_reported": 80, "schools_expected": 80, "approximate": False}


@pytest.mark.parametrize("change,headline", [
    ({}, "2022年普惠性幼儿园覆盖率87.9%,目标≥85%,✔ 达标(高出2.9个百分点)"),
    ({"status": "incomplete", "margin": None, "provisional": True, "schools_reported": 55, "unit": "所",
      "actual": 11, "decimals": 0, "goal": {"display": "≥32所"}, "name": "市级示范园"},
     "2022年市级示范园11所,目标≥32所,… 数据未齐(已报 55/80 所)"),
    ({"status": "not_met", "margin": -1.5, "approximate": True},
     "2022年普惠性幼儿园覆盖率87.9%,目标≥85%,✘ 未达标(低于目标1.5个百分点,近似口径)"),
    ({"status": "no_data", "margin": None, "actual": None}, "2022年普惠性幼儿园覆盖率,目标≥85%,? 无数据"),
])
def test_target_headline_says_the_finding_in_words(change, headline):
    assert target_headline({**CARD, **change}) == headline


def test_cards_are_ordered_by_programme_then_plan_order_never_by_code():
    cards = [{"measure": "b_code", "programme": None}, {"measure": "a_code", "programme": None},
             {"measure": "c_code", "programme": None}]
    programmes = {"c_code": {"number": 2, "name": "二"}, "a_code": {"number": 3, "name": "三"}}
    assert [c["measure"] for c in ordered_cards(cards, programmes)] == ["c_code", "a_code", "b_code"]


@pytest.fixture
def data(cast):
    plan, coverage, myopia = reports_fixtures.build(cast, by=cast.admin)
    Programme.objects.create(plan=plan, number=2, name="健康促进工程")
    puhui = plan.targets.get(measure="puhui", year=2021)
    TargetSource.objects.create(target=puhui, position=1, section="学前教育普及普惠工程", text="覆盖率达到86%",
                                comparator="gte", value=86, chosen=True)
    myopia_target = plan.targets.get(measure="myopia")
    TargetSource.objects.create(target=myopia_target, position=1, section="2021年行动计划表",
                                text="近视新增发病率控制在5%以下", comparator="lt", value=5, chosen=True)
    programme = Programme.objects.get(plan=plan, number=2)
    item = programme.items.create(year=2021, order=1, text="开展近视防控,近视新增发病率控制在5%以下。",
                                  status=ItemStatus.NOT_STARTED)
    item.departments.add(cast.finance)
    District.objects.update_or_create(code="dongsheng", defaults={"name": "东胜区"})
    return plan


def test_programme_of_a_target_comes_from_its_section_or_its_action_item(data):
    assert programmes_of_measures(data) == {"puhui": {"number": 1, "name": "学前教育普及普惠工程"},
                                            "myopia": {"number": 2, "name": "健康促进工程"}}


def _slides(plan, by, **kw):
    snapshot = snapshot_freeze(plan=plan, year=2021, title="2021年度推进会", indicator_codes=["puhui"], by=by)
    return snapshot, meeting_slides(snapshot.payload, title=snapshot.title, date_text="2022年3月1日",
                                    as_of_text="数据截至 2022-03-01 09:30", live=False)


def test_meeting_runs_cover_agenda_targets_actions_problems(cast, data):
    _, slides = _slides(data, cast.reviewer)
    kinds = [s["kind"] for s in slides]
    assert kinds[:3] == ["cover", "agenda", "summary"] and kinds[-1] == "problems"
    assert kinds.index("heatmap") > max(i for i, k in enumerate(kinds) if k in ("target", "towns"))
    assert slides[0]["bureau"] == "东胜区教育体育局" and slides[0]["as_of"] == "数据截至 2022-03-01 09:30"
    targets = [s for s in slides if s["kind"] == "target"]
    assert [s["card"]["measure"] for s in targets] == ["puhui", "myopia"]  # programme 1, then 2
    assert targets[0]["kicker"] == "(1) 学前教育普及普惠工程"
    assert targets[0]["title"].startswith("2021年普惠性幼儿园覆盖率84.2%,目标≥86%,≈ 接近")
    towns = next(s for s in slides if s["kind"] == "towns")
    assert {r["status"] for r in towns["rows"]} <= {"met", "close", "not_met", "incomplete"}
    items = [i for s in slides if s["kind"] == "items" for i in s["items"]]
    assert {i["year"] for i in items} <= {2019, 2020, 2021} and items  # 逾期未完成: a finished year, not done
    problems = [p for s in slides if s["kind"] == "problems" for p in s["problems"]]
    assert [p["note"] for p in problems][0] == "两所民办园转普惠的审批延后到次年。"
    agenda = slides[1]["parts"]
    assert [p["heading"] for p in agenda] == ["一、总体情况", "二、年度目标完成情况", "三、行动计划推进情况",
                                              "四、需要研究解决的问题"]
    assert agenda[0]["pages"] == "第3页" and agenda[1]["pages"] == f"第4–{3 + len(targets) + 1}页"


def _client(client, user):
    client.force_login(user)
    return client


def test_leader_presents_live_figures_without_freezing(client, cast, data):
    page = _client(client, cast.leader).get(reverse("reports:meeting_live") + "?year=2021")
    body = page.content.decode()
    assert page.status_code == 200 and not MeetingSnapshot.objects.exists()
    assert "现场数据" in body and "东胜区教育体育局" in body and "需要研究解决的问题" in body
    assert 'aria-label="2021年普惠性幼儿园覆盖率84.2%,目标≥86%,≈ 接近' in body


@pytest.mark.parametrize("who,status", [("leader", 200), ("admin", 200), ("staff_fin", 403),
                                        ("reporter_a", 403), ("outsider", 403)])
def test_live_meeting_is_for_bureau_readers(client, cast, data, who, status):
    assert _client(client, getattr(cast, who)).get(reverse("reports:meeting_live")).status_code == status


@pytest.mark.parametrize("who,says", [("leader", "会议快照由教体局管理员或审核员冻结"),
                                      ("reviewer", "填写会议名称、选择年度,点「冻结数据」")])
def test_empty_meetings_list_says_who_can_freeze_and_how(client, cast, data, who, says):
    body = _client(client, getattr(cast, who)).get(reverse("reports:meetings")).content.decode()
    assert says in body and "用现场数据演示" in body


def test_meeting_page_renders_in_english_too(client, cast, data):
    c = _client(client, cast.leader)
    c.cookies["django_language"] = "en"
    assert c.get(reverse("reports:meeting_live") + "?year=2021").status_code == 200


def test_deck_follows_the_meeting_order_and_headlines(cast, data):
    snapshot, slides = _slides(data, cast.reviewer)
    deck = Presentation(io.BytesIO(build_deck(snapshot)))
    assert len(deck.slides) == len(slides)
    titles = [s.shapes.title.text_frame.text for s in deck.slides]
    assert titles[0] == "2021年度推进会" and titles[1] == "会议议程"
    assert titles[2:] == [s["title"] for s in slides[2:]]
    assert titles[2] == "总体情况" and titles[3].startswith("2021年普惠性幼儿园覆盖率84.2%,目标≥86%")
    charts = [i for i, s in enumerate(deck.slides) if any(shape.has_chart for shape in s.shapes)]
    assert charts == [i for i, s in enumerate(slides) if s["kind"] in ("target", "towns")]  # native, editable
    cover = " ".join(shape.text_frame.text for shape in deck.slides[0].shapes if shape.has_text_frame)
    assert "东胜区教育体育局" in cover and "数据截至 2022-03-01 09:30" in cover


def test_every_deck_run_names_an_east_asian_font(cast, data):
    snapshot, _ = _slides(data, cast.reviewer)
    deck = Presentation(io.BytesIO(build_deck(snapshot)))
    for slide in deck.slides:
        for run in slide.shapes._spTree.iter(qn("a:r")):
            ea = run.find(qn("a:rPr")).find(qn("a:ea"))
            assert ea is not None and ea.get("typeface") == "Microsoft YaHei"


def test_summary_slide_is_the_briefings_overall_paragraph_with_its_counts(cast, data):
    snapshot, slides = _slides(data, cast.reviewer)
    summary = slides[2]
    briefing = build_briefing(payload=snapshot.payload, title=snapshot.title)
    assert summary["kind"] == "summary" and summary["title"] == "总体情况"
    assert summary["text"] == briefing.sections[0].paragraphs[0]
    assert summary["text"].startswith("2021年纳入监测的2项指标中,达标0项,接近1项,未达标1项")
    # every count on the tiles is the snapshot's own
    counts = snapshot.payload["overview"]["summary"]
    tiles = {t["status"] or t["label"]: t["value"] for t in summary["tiles"]}
    assert tiles["监测指标"] == str(counts["total"])
    assert [tiles[s] for s in ("met", "close", "not_met")] == [str(counts[s]) for s in ("met", "close", "not_met")]
    programmes = snapshot.payload["overview"]["progress"]["programmes"]
    done, total = sum(p["done"] for p in programmes), sum(p["total"] for p in programmes)
    assert tiles["行动计划条目已完成"] == f"{done}/{total}"
    assert f"行动计划条目共{total}项,已完成{done}项" in summary["text"]


def test_deck_shows_the_summary_slide_as_text(cast, data):
    snapshot, slides = _slides(data, cast.reviewer)
    deck = Presentation(io.BytesIO(build_deck(snapshot)))
    texts = [shape.text_frame.text for shape in deck.slides[2].shapes if shape.has_text_frame]
    assert texts[0] == "总体情况"
    assert slides[2]["text"] in texts  # python-pptx text, word for word the briefing's
    assert all(t["value"] in " ".join(texts) and t["label"] in " ".join(texts) for t in slides[2]["tiles"])
    assert not any(shape.has_chart for shape in deck.slides[2].shapes)


def test_summary_slide_renders_on_the_meeting_page(client, cast, data):
    snapshot, slides = _slides(data, cast.reviewer)
    body = _client(client, cast.leader).get(reverse("reports:meeting", args=[snapshot.pk])).content.decode()
    assert 'class="slide slide-summary' in body and slides[2]["text"] in body


def test_town_bars_keep_enough_decimals_and_mark_partial_towns(cast, data):
    from indicators.models import IndicatorValue
    from reports import meeting_figures

    # given a town at 85.96% against ≥86% (接近), from one of its two schools
    IndicatorValue.objects.filter(indicator__code="puhui", year=2021, level="town",
                                  unit_key=cast.town_b.code).update(value="85.96", schools_reported=1,
                                                                    schools_expected=2)
    # when the meeting is frozen and its town slide drawn
    snapshot, slides = _slides(data, cast.reviewer)
    towns = next(s for s in slides if s["kind"] == "towns")
    figure = meeting_figures.towns(towns["rows"], unit="%", decimals=towns["card"]["decimals"], goal=towns["goal"])
    # then its bar reads 85.96%(暂) ≈ 接近 — on the screen and in the deck — never 86.0% beside 接近
    assert "85.96%(暂) ≈ 接近" in figure["data"][0]["text"]
    deck = Presentation(io.BytesIO(build_deck(snapshot)))
    labels = [point.data_label.text_frame.text for slide in deck.slides for shape in slide.shapes
              if shape.has_chart and shape.chart.chart_type is not None
              for plot in shape.chart.plots for point in plot.series[0].points
              if point.data_label.has_text_frame]
    assert "85.96%(暂) ≈ 接近" in labels
