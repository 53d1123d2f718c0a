"""「优质均衡创建」 (/reports/balance/): who sees what, the figures it shows against an independent computation,
and the states without data — never a 5xx."""
import json
import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.balance import DEFAULT_STANDARDS_FILE, standards_read
from indicators.models import DataElement, DataSet, ReportingPeriod, Submission, SubmissionValue
from indicators.services.definitions import DEFAULT_FILE, definitions_load, definitions_read
from tests.factories import SchoolFactory

STANDARDS = standards_read()
URL = "/reports/balance/"


def _figures(section: str, students: int, ratios: dict | None = None) -> dict:
    """A section's raw figures at ``ratio`` × the standard (default 1.2)."""
    ratios = ratios or {}
    sec = next(s for s in STANDARDS.sections if s.code == section)
    out = {sec.students_element: students}
    for r in STANDARDS.indicators:
        raw = ratios.get(r.code, 1.2) * float(r.standards[section]) * students / r.per_students
        out[r.elements[section]] = round(raw) if r.per_students == 100 else round(raw, 1)
    return out


def _approve(period, school, values: dict, status="approved"):
    submission = Submission.objects.create(period=period, school=school, status=status, version=1)
    elements = {e.code: e for e in DataElement.objects.filter(code__in=values)}
    SubmissionValue.objects.bulk_create(
        [SubmissionValue(submission=submission, element=elements[c], value=v) for c, v in values.items()])


@pytest.fixture
def district(cast):
    """Two primary schools of the cast, a nine-year school and a junior school; in 2021 the cast's second school
    has 4 key teachers for 800 pupils (standard 8), a tiny 教学点 is left out; 2022 is not yet approved."""
    definitions_load(data=definitions_read(DEFAULT_FILE))
    dataset = DataSet.objects.get(code="school_yearly")
    periods = {y: ReportingPeriod.objects.create(dataset=dataset, year=y, opens_on=f"{y}-09-01",
                                                 deadline=f"{y}-10-31", closed=y < 2022) for y in (2021, 2022)}
    nine = SchoolFactory(town=cast.town_a, name="东胜区第九年制学校", school_type="nine_year")
    junior = SchoolFactory(town=cast.town_b, name="东胜区第一中学", school_type="junior")
    tiny = SchoolFactory(town=cast.town_b, name="罕台教学点", school_type="primary")
    _approve(periods[2021], cast.school_a, {"enrolled_start": 1000, **_figures("primary", 1000)})
    _approve(periods[2021], cast.school_b,
             {"enrolled_start": 800, **_figures("primary", 800), "key_teachers_primary": 4})
    _approve(periods[2021], nine, {"enrolled_start": 900, **_figures("primary", 600, {"sports_area": 2.0}),
                                   **_figures("junior", 300)})
    _approve(periods[2021], junior, {"enrolled_start": 1200, **_figures("junior", 1200)})
    _approve(periods[2021], tiny, {"enrolled_start": 30, **_figures("primary", 30, {"key_teachers": 0.1})})
    _approve(periods[2022], cast.school_a, {"enrolled_start": 1000, **_figures("primary", 1000)}, status="submitted")
    return {"nine": nine, "junior": junior, "tiny": tiny, "periods": periods}


@pytest.mark.parametrize(("who", "status", "sees_other_schools"), [
    ("admin", 200, True), ("reviewer", 200, True), ("leader", 200, True), ("reporter_a", 200, False),
    ("staff_edu", 403, None), ("staff_fin", 403, None), ("town_reviewer", 403, None), ("outsider", 403, None),
])
def test_who_sees_the_page_and_which_schools(client, cast, district, who, status, sees_other_schools):
    before = Submission.objects.count(), SubmissionValue.objects.count()
    client.force_login(getattr(cast, who))
    response = client.get(URL, {"year": 2021})
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert "优质均衡创建" in html and "生均体育运动场馆面积" in html
        assert ("泊江海子小学" in html) is sees_other_schools
        assert ("东胜区第九年制学校" in html) is sees_other_schools
        if who == "reporter_a":
            assert "东胜区第一小学" in html and "本校" in html
        # the county's counts, whoever reads them: 3 primary sections reported, 2 meet the rule
        assert "已报 3/3 所 · 达到学校要求 2 所" in html
    else:
        assert "泊江海子小学" not in response.content.decode()
    assert (Submission.objects.count(), SubmissionValue.objects.count()) == before  # a read changes nothing


def test_anonymous_is_sent_to_log_in(client, district):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


def test_page_shows_the_cv_the_failing_school_and_what_it_needs(client, cast, district):
    client.force_login(cast.leader)
    html = client.get(URL, {"year": 2021}).content.decode()
    # 小学: three sections (1000, 800, 600 pupils), the nine-year school's sports ground at 2.0 × 7.5 m²; the
    # 30-pupil 教学点 is left out
    students, per_pupil = [1000, 800, 600], [1.2 * 7.5, 1.2 * 7.5, 2.0 * 7.5]
    mean = sum(p * x for p, x in zip(students, per_pupil, strict=True)) / sum(students)
    cv = math.sqrt(sum(p / sum(students) * (x - mean) ** 2 for p, x in zip(students, per_pupil, strict=True))) / mean
    assert f"{cv:.3f}" in html
    assert "还需增加骨干教师" in html and "罕台教学点" in html and "不足50人" in html
    assert "1所学校未达到" in html  # 泊江海子小学: 4 key teachers for 800 pupils is 50% of the standard


def test_2022_without_approved_figures_reads_data_incomplete(client, cast, district):
    client.force_login(cast.admin)
    response = client.get(URL, {"year": 2022})
    assert response.status_code == 200
    assert "数据未齐" in response.content.decode()


def test_no_periods_at_all_is_a_clear_state_not_an_error(client, cast):
    client.force_login(cast.leader)
    response = client.get(URL, {"year": "abc"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "数据未齐" in html and "尚无收集分学段资源配置数据的填报周期" in html


def test_a_broken_provincial_standards_file_is_reported_not_a_crash(client, cast, district, settings, tmp_path):
    data = json.loads(DEFAULT_STANDARDS_FILE.read_text(encoding="utf-8"))
    data["school_rule"]["floor_share"] = 1.5
    broken = tmp_path / "province.json"
    broken.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    settings.YOUZHI_STANDARDS_FILE = str(broken)
    client.force_login(cast.admin)
    response = client.get(URL)
    assert response.status_code == 200
    assert "标准文件有误" in response.content.decode() and "school_rule.floor_share" in response.content.decode()


def test_a_stricter_provincial_file_is_used_when_set(client, cast, district, settings, tmp_path):
    data = json.loads(DEFAULT_STANDARDS_FILE.read_text(encoding="utf-8"))
    data["sections"][0]["cv_max"] = 0.05
    stricter = tmp_path / "province.json"
    stricter.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    settings.YOUZHI_STANDARDS_FILE = str(stricter)
    client.force_login(cast.admin)
    assert "差异系数超标" in client.get(URL, {"year": 2021}).content.decode()


def test_the_page_is_linked_from_the_reports_navigation(client, cast, district):
    client.force_login(cast.reporter_a)
    html = client.get(URL).content.decode()
    assert f'<a href="{reverse("reports:balance")}" aria-current="page">优质均衡创建</a>' in html


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL, {"year": 2021}).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_schools(client, cast, district):
    client.force_login(cast.admin)
    before = _queries(client)
    for n in range(5):
        extra = SchoolFactory(town=cast.town_a, school_type="primary")
        _approve(district["periods"][2021], extra, {"enrolled_start": 500 + n, **_figures("primary", 500 + n)})
    assert _queries(client) == before <= 12


def test_page_renders_in_english(client, cast, district):
    client.force_login(cast.leader)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(URL, {"year": 2021}).content.decode()
    assert "Quality balance readiness" in html and "Coefficient of variation" in html
    assert "Sports ground and hall area per student" in html and "Junior secondary" in html
    assert "the rest at 85%”: 1" in html and "meet the school rule" in html
    assert "优质均衡创建" not in html and "差异系数" not in html


def test_a_kindergarten_reporter_is_told_its_school_is_not_assessed(client, cast, district):
    cast.school_a.school_type = "kindergarten"
    cast.school_a.save(update_fields=["school_type"])
    client.force_login(cast.reporter_a)
    html = client.get(URL, {"year": 2021}).content.decode()
    assert 'id="own-outside"' in html and "不参加义务教育优质均衡评估" in html
    assert "本校7项指标" not in html and "生均体育运动场馆面积" in html  # the county's figures stay
    assert "泊江海子小学" not in html  # still no other school
