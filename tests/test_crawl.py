"""Every page every role can reach from its own pages answers without a 5xx, in four data states
(one or two plans loaded, full or empty data), also with hostile query strings; and the Chinese
pages show no raw choice codes and no English fragments.

The crawl starts at ``/`` and follows same-site ``<a href>`` links breadth-first, in page order, with
a visited set and a bound per role, so it is deterministic. Failures are collected and reported
together (role, URL, status), not one at a time.
"""
import functools
import html
import io
import re
import traceback
from collections import deque
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import pytest
from django.contrib.auth.models import User
from django.db import models, transaction
from django.test import Client
from django.urls import Resolver404, resolve

from indicators.models import (
    IndicatorValue,
    RollupRun,
    School,
    SchoolType,
    Submission,
    SubmissionTransition,
    SubmissionValue,
    TargetStatus,
    ValueChange,
)
from indicators.services.definitions import DEFAULT_FILE as DEFINITIONS_FILE
from indicators.services.definitions import definitions_load, definitions_read
from indicators.services.demo import demo_data_load
from indicators.services.rollup import rollup_run_all
from plans.services.loading import DEFAULT_FILE as PLAN_FILE
from plans.services.loading import plan_load, read_plan_file
from tests.html_checks import input_problems

SECOND_PLAN = Path(__file__).parent / "data" / "second_plan.json"
SCHOOLS = 6  # the smallest demo district the builder allows (still one school of every type)
MAX_PER_ROLE = 150
MIN_PAGES = 20
MAX_PER_VIEW = 3  # more items, submissions or filter variants of one page test little new
# …but each indicator page differs (a school has no value of its own for another school type's indicator)
MAX_PER_VIEW_EXCEPT = {"reports:indicator": 40}
SKIP_PREFIXES = ("/static/", "/media/", "/accounts/logout", "/i18n/")
HUGE = "9" * 20  # beyond any database integer
HOSTILE = [{"plan": "999999"}, {"plan": "\x00"}, {"year": "abc"}, {"year": "1900"},
           {"year": HUGE, "department": HUGE, "programme": HUGE, "period": HUGE, "page": HUGE}]
# Query strings are read the same way for every role; one role per access class tries the hostile ones.
HOSTILE_ROLES = {"school:kindergarten", "town", "department", "admin"}
STATES = {  # name: (second plan loaded, submissions and rollup present)
    "one-plan-full": (False, True),
    "two-plans-full": (True, True),
    "one-plan-empty": (False, False),
    "two-plans-empty": (True, False),
}
SCHOOL_TYPES = [t for t in SchoolType.values if t not in ("special", "vocational")]  # the demo has no others
ROLES = [f"school:{t}" for t in SCHOOL_TYPES] + ["town", "department", "reviewer", "leader", "admin"]


# ---------------------------------------------------------------- the four data states


def _build_full_district():
    """Plan, accounts, progress, definitions, the smallest demo district and its rollup."""
    from django.core.management import call_command

    plan_load(data=read_plan_file(PLAN_FILE))
    call_command("demo_accounts", "--allow-production-demo", stdout=io.StringIO())  # tests run with DEBUG off
    call_command("demo_progress", "--allow-production-demo", stdout=io.StringIO())
    definitions_load(data=definitions_read(DEFINITIONS_FILE))
    demo_data_load(schools=SCHOOLS)
    rollup_run_all()
    _meeting_and_export()


def _meeting_and_export():
    """A frozen meeting and a (never run) export job, so their pages are reachable too."""
    from plans.models import Plan
    from reports.services import export_job_start, snapshot_freeze

    plan, admin = Plan.objects.get(), User.objects.get(username="admin")
    codes = list(IndicatorValue.objects.order_by("indicator__code").values_list("indicator__code", flat=True)
                 .distinct()[:3])
    snapshot = snapshot_freeze(plan=plan, year=2021, title="2021年度推进会", indicator_codes=codes, by=admin)
    export_job_start(kind="xlsx", plan=plan, year=2021, by=admin)
    export_job_start(kind="pptx", plan=plan, year=2021, by=admin, snapshot=snapshot)


def _empty_the_district():
    """Org units, accounts and open periods stay; nothing reported, nothing rolled up."""
    from django.db import connection

    if connection.vendor == "postgresql":  # append-only audit tables refuse DELETE there (indicators 0005)
        with connection.cursor() as cursor:
            # deferred foreign-key checks queued in this transaction must run before a TRUNCATE
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("TRUNCATE indicators_valuechange, indicators_submissiontransition")
    for model in (ValueChange, SubmissionTransition, SubmissionValue, Submission, IndicatorValue, TargetStatus,
                  RollupRun):
        model.objects.all().delete()


def _usernames() -> dict[str, str]:
    names = {}
    for school_type in SCHOOL_TYPES:
        school = School.objects.filter(school_type=school_type).order_by("code").first()
        if school is not None:
            names[f"school:{school_type}"] = school.code.lower()
    first = School.objects.order_by("code").first()
    names.update(town=f"town-{first.town.code}", department="jiaotiju", reviewer="reviewer", leader="leader",
                 admin="admin")
    return names


@pytest.fixture(scope="module")
def full_district(django_db_setup, django_db_blocker):
    """Built once per process and rolled back at the end; each state changes it inside a savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        _build_full_district()
        yield
        transaction.set_rollback(True)


# Each state is its own xdist group: the states run in parallel, the roles of one state share its set-up.
# (pytest 9.2 with pytest-xdist 3.8 ignores every xdist_group, pytest-xdist#1386: each worker then builds
# the district once and the states its tests need, which still costs little more.)
@pytest.fixture(scope="module", params=[pytest.param(s, marks=pytest.mark.xdist_group(f"crawl-{s}")) for s in STATES])
def world(request, full_district, django_db_blocker):
    second_plan, full = STATES[request.param]
    with django_db_blocker.unblock(), transaction.atomic():
        if not full:
            _empty_the_district()
        if second_plan:
            plan_load(data=read_plan_file(SECOND_PLAN))
        yield SimpleNamespace(state=request.param, usernames=_usernames())
        transaction.set_rollback(True)


# ---------------------------------------------------------------- the crawler


HIDDEN = re.compile(r"<(script|style|template)\b.*?</\1\s*>|<!--.*?-->", re.S | re.I)
TAG = re.compile(r"<[^>]*>")
LINK = re.compile(r"""<a\s[^>]*?\bhref\s*=\s*["']([^"']*)["']""", re.I)


def _links(page: str) -> list[str]:
    return [html.unescape(href) for href in LINK.findall(HIDDEN.sub(" ", page))]


def _visible_text(page: str) -> str:
    """The text a reader sees: no script, style, comments or attributes."""
    return html.unescape(TAG.sub(" ", HIDDEN.sub(" ", page)))


def _same_site(base: str, href: str) -> str | None:
    if href.startswith(("#", "mailto:", "javascript:", "tel:")):
        return None
    parts = urlsplit(urljoin("http://testserver" + base, href))
    if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
        return None
    path = parts.path
    if path.startswith(SKIP_PREFIXES) or (path.startswith("/admin/") and path != "/admin/"):
        return None
    return urlunsplit(("", "", path, parts.query, ""))


def _view_name(url: str) -> str:
    try:
        return resolve(urlsplit(url).path).view_name
    except Resolver404:
        return "?"


def _hostile(url: str) -> list[str]:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    return [urlunsplit(("", "", parts.path, urlencode({**query, **extra}), "")) for extra in HOSTILE]


def _raw_codes() -> set[str]:
    """Every TextChoices value of the project's models: a code is never shown to a Chinese reader."""
    found = set()
    for cls in _text_choices():
        found.update(v for v in cls.values if v and len(v) > 3)
    # plain English words that are also codes, or that legitimately appear as proper names
    return found - {"district", "town", "school", "range", "first", "third", "model", "manual", "public",
                    "private", "lower", "higher", "number", "text", "integer", "decimal"}


def _text_choices():
    import edugov.models
    import indicators.models
    import plans.models
    import reports.models

    for module in (edugov.models, indicators.models, plans.models, reports.models):
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, models.TextChoices) and value is not models.TextChoices:
                yield value


# 「必填 (required)」, 「(a reason is required to return)」: English in brackets beside the Chinese
ENGLISH_FRAGMENT = re.compile(r"\([a-z][a-z'/-]*(?:[ ,:;–-]+[a-z0-9][a-z0-9'/%-]*)*\)")


@functools.cache
def _codes_pattern() -> re.Pattern:
    words = "|".join(sorted(map(re.escape, _raw_codes())))
    return re.compile(r"(?<![A-Za-z0-9_./-])(" + words + r")(?![A-Za-z0-9_])")


def _language_problems(text: str) -> list[str]:
    problems = [f"code “{m.group(0)}”" for m in _codes_pattern().finditer(text)]
    problems += [f"English “{m.group(0)}”" for m in ENGLISH_FRAGMENT.finditer(text)]
    return problems


def crawl(client: Client, role: str, *, hostile: bool = True) -> list[str]:
    """Breadth-first from ``/``; returns every failure as "role status URL" or "role URL shows …"."""
    failures: list[str] = []
    queue, seen, per_view, hostile_done = deque(["/"]), {"/"}, {}, set()
    fetched = 0
    while queue and fetched < MAX_PER_ROLE:
        url = queue.popleft()
        fetched += 1
        response, problems = _fetch(client, role, url)
        failures += problems
        if response is None:
            continue
        if response.status_code in (301, 302, 303, 307, 308):
            found = [response["Location"]]
        elif _is_html(response):
            found = _links(response.content.decode())
        else:
            continue
        view = _view_name(url)
        if hostile and view not in hostile_done and "?" not in url and view != "?":
            hostile_done.add(view)
            for bad in _hostile(url):
                failures += _fetch(client, role, bad)[1]
        for href in found:
            link = _same_site(url, href)
            name = _view_name(link) if link else "?"
            if link is None or link in seen or per_view.get(name, 0) >= MAX_PER_VIEW_EXCEPT.get(name, MAX_PER_VIEW):
                continue
            per_view[name] = per_view.get(name, 0) + 1
            seen.add(link)
            queue.append(link)
    if fetched < MIN_PAGES:  # a crawl that never got past the start proves nothing
        failures.append(f"{role} reached only {fetched} pages from /")
    return failures


def _fetch(client: Client, role: str, url: str):
    """(response or None, failures): a 5xx or a crash, and on an HTML page what a reader should not see."""
    try:
        response = client.get(url, secure=True)  # as over HTTPS: the production settings redirect plain HTTP
    except Exception as exc:  # noqa: BLE001 - the test client re-raises what a server would answer with 500
        return None, [_crash(role, url, exc)]
    if response.status_code >= 500:
        return None, [f"{role} {response.status_code} {url!r}"]
    if not _is_html(response):
        return response, []
    page = response.content.decode()
    problems = [f"{role} {url!r} has {p}" for p in input_problems(page)]
    if not urlsplit(url).path.startswith(("/admin/", "/api/")):  # the admin and the API docs are not Chinese pages
        problems += [f"{role} {url!r} shows {p}" for p in sorted(set(_language_problems(_visible_text(page))))]
    return response, problems


def _is_html(response) -> bool:
    return response.status_code == 200 and response.get("Content-Type", "").startswith("text/html")


def _crash(role: str, url: str, exc: Exception) -> str:
    ours = [f for f in traceback.extract_tb(exc.__traceback__) if "/.venv/" not in f.filename and "site-packages" not in
            f.filename] or traceback.extract_tb(exc.__traceback__)
    return f"{role} 500 {url!r} {type(exc).__name__}: {exc} at {ours[-1].filename}:{ours[-1].lineno}"


# ---------------------------------------------------------------- the test


@pytest.mark.parametrize("role", ROLES)
def test_no_page_reachable_by_a_role_answers_5xx_or_shows_codes(world, role, db):
    # given a user of this role in this data state
    username = world.usernames.get(role)
    if username is None:
        pytest.skip(f"no {role} in the demo district")
    client = Client()
    client.force_login(User.objects.get(username=username))
    # when every page reachable from / is opened
    failures = crawl(client, f"{world.state}/{role}", hostile=role in HOSTILE_ROLES)
    # then none failed
    assert failures == [], "\n".join(failures)
