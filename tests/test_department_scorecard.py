"""A department's scorecard across plans (issue 13: departments are a registry shared by plans, with aliases):
per plan its items, 已完成, 滞后 (self-reported) and 逾期未完成 (a finished year not done), and their sum; another
department's items never count."""
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from plans.models import ActionItem, DepartmentAlias, ItemStatus, Plan, Programme


@pytest.fixture
def plans(cast):
    this_year = timezone.localdate().year
    old = Plan.objects.create(key="old", title="2019—2022年实施方案", start_year=2019, end_year=2022)
    new = Plan.objects.create(key="new", title="十四五教育发展规划", start_year=this_year - 1, end_year=this_year + 1)
    DepartmentAlias.objects.create(name="区教体局", department=cast.education)
    rows = [  # plan, year, status, departments
        (old, 2020, ItemStatus.DONE, [cast.education]),
        (old, 2021, ItemStatus.DELAYED, [cast.education, cast.finance]),  # 滞后 and 逾期未完成
        (old, 2022, ItemStatus.IN_PROGRESS, [cast.education]),  # 逾期未完成
        (old, 2022, ItemStatus.NOT_STARTED, [cast.finance]),  # another department's
        (new, this_year - 1, ItemStatus.DONE, [cast.education]),
        (new, this_year, ItemStatus.DELAYED, [cast.education]),  # 滞后, not yet overdue
        (new, this_year + 1, ItemStatus.NOT_STARTED, [cast.education]),
        (new, this_year, ItemStatus.NOT_STARTED, [cast.finance]),
    ]
    for order, (plan, year, status, departments) in enumerate(rows, start=1):
        programme, _ = Programme.objects.get_or_create(plan=plan, number=1, defaults={"name": "综合工程"})
        item = ActionItem.objects.create(programme=programme, year=year, order=order, text=f"第{order}项",
                                         status=status)
        item.departments.set(departments)
    return old, new


def _url(department):
    return reverse("reports:department", args=[department.pk])


def _row(page: str, marker: str) -> list[str]:
    row = page[page.index(marker):]
    row = row[:row.index("</tr>")]
    return re.findall(r'<td class="num">(?:<a [^>]*>)?([^<]*)', row)


def test_one_department_counted_per_plan_and_in_sum(client, cast, plans):
    client.force_login(cast.leader)
    page = client.get(_url(cast.education)).content.decode()
    # columns: items, done, in progress, not started, 滞后, 逾期未完成, share done
    assert _row(page, 'data-plan="old"') == ["3", "1", "1", "0", "1", "2", "33%"]
    assert _row(page, 'data-plan="new"') == ["3", "1", "0", "1", "1", "0", "33%"]
    assert _row(page, 'id="department-totals"') == ["6", "2", "1", "1", "2", "2", "33%"]
    assert page.index('data-plan="new"') < page.index('data-plan="old"')  # newest plan first
    assert "区教体局" in page  # the alias: one office under every name
    assert f"?plan=old&amp;department={cast.education.pk}&amp;overdue=1" in page


def test_another_departments_items_never_count(client, cast, plans):
    client.force_login(cast.leader)
    page = client.get(_url(cast.finance)).content.decode()
    assert _row(page, 'data-plan="old"') == ["2", "0", "0", "1", "1", "2", "0%"]
    assert _row(page, 'data-plan="new"') == ["1", "0", "0", "1", "0", "0", "0%"]


def test_actions_dashboard_links_each_department_to_its_scorecard(client, cast, plans):
    client.force_login(cast.leader)
    page = client.get(f"{reverse('reports:actions')}?plan=old").content.decode()
    assert f'href="{_url(cast.education)}"' in page


@pytest.mark.parametrize("who, status", [
    ("admin", 200), ("reviewer", 200), ("leader", 200), ("staff_edu", 200), ("staff_fin", 200),
    ("town_reviewer", 200), ("reporter_a", 200), ("outsider", 403),
])
def test_every_role_reads_the_scorecard_but_an_outsider(client, cast, plans, who, status):
    client.force_login(getattr(cast, who))
    response = client.get(_url(cast.education))
    assert response.status_code == status
    assert ("2019—2022年实施方案" in response.content.decode()) == (status == 200)


def test_unknown_or_huge_department_is_a_404(client, cast, plans):
    client.force_login(cast.leader)
    assert client.get("/reports/departments/999999/").status_code == 404
    assert client.get("/reports/departments/" + "9" * 30 + "/").status_code == 404


def test_page_renders_in_english(client, cast, plans):
    client.force_login(cast.leader)
    client.cookies["django_language"] = "en"
    page = client.get(_url(cast.education)).content.decode()
    assert "Scorecard across plans" in page and "Also called" in page


def test_a_departments_home_links_to_its_scorecard_across_plans(client, cast, plans):
    client.force_login(cast.staff_edu)
    page = client.get(f"{reverse('plans:mine')}?plan=old").content.decode()
    assert f'href="{_url(cast.education)}"' in page
