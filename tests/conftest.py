"""The fixed cast every permission test runs over, and the switch for tests that need real services."""
import os
from types import SimpleNamespace

import pytest
from django.conf import settings

from edugov.models import Role
from tests.factories import DepartmentFactory, SchoolFactory, TownFactory, UserFactory, user_with_role


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    # The real hasher is slow by design; tests log in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def chinese_by_default():
    """Each test starts in the site's language: a test that switches to English must not leak it."""
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def cast(db):
    """bureau admin, reviewer, two department staff, a town reviewer, two reporters of two schools,
    a leader and an outsider with no role."""
    education, finance = DepartmentFactory(name="教体局"), DepartmentFactory(name="财政局")
    town_a, town_b = TownFactory(name="林荫街道"), TownFactory(name="泊尔江海子镇")
    school_a = SchoolFactory(town=town_a, name="东胜区第一小学")
    school_b = SchoolFactory(town=town_b, name="泊江海子小学")
    return SimpleNamespace(
        education=education, finance=finance, town_a=town_a, town_b=town_b, school_a=school_a, school_b=school_b,
        admin=user_with_role("admin", Role.BUREAU_ADMIN),
        reviewer=user_with_role("reviewer", Role.BUREAU_REVIEWER),
        staff_edu=user_with_role("staff_edu", Role.DEPARTMENT_STAFF, department=education),
        staff_fin=user_with_role("staff_fin", Role.DEPARTMENT_STAFF, department=finance),
        town_reviewer=user_with_role("town_reviewer", Role.TOWN_REVIEWER, town=town_a),
        reporter_a=user_with_role("reporter_a", Role.SCHOOL_REPORTER, school=school_a),
        reporter_b=user_with_role("reporter_b", Role.SCHOOL_REPORTER, school=school_b),
        leader=user_with_role("leader", Role.LEADER),
        outsider=UserFactory(username="outsider"),
    )


def services_available() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql") and bool(settings.REDIS_URL)


def pytest_collection_modifyitems(config, items):
    # Tests that start a Celery worker run in one xdist process, one after the other: two workers
    # on one Redis queue would take each other's tasks (each test process has its own database).
    for item in items:
        if "services" in item.keywords or "browser" in item.keywords:
            item.add_marker(pytest.mark.xdist_group("celery-worker"))
    if services_available():
        return
    if os.environ.get("REQUIRE_SERVICES") == "1":
        raise pytest.UsageError("REQUIRE_SERVICES=1 but DATABASE_URL is not PostgreSQL or REDIS_URL is unset")
    skip = pytest.mark.skip(reason="needs PostgreSQL + Redis + Celery worker: set DATABASE_URL and REDIS_URL")
    for item in items:
        if "services" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def eager_celery():
    """Run tasks in-process for one test, whatever the environment says."""
    from edugov.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = saved


@pytest.fixture
def celery_worker_process(transactional_db):
    """A real Celery worker (separate process) on Redis, reading the test database.

    Only with services; tests using it carry the ``services`` marker."""
    import subprocess
    import sys
    import time

    from django.db import connection

    from edugov.celery import app

    db = connection.settings_dict
    # A queue of its own: tasks that other test processes send (each has its own database) must never
    # reach this worker, nor this test's tasks another worker.
    queue = f"edugov-test-{db['NAME']}"
    saved_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    env = dict(os.environ)
    env["DATABASE_URL"] = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)  # what an earlier test of this process left behind
    log = open(os.path.join(os.environ.get("TMPDIR", "/tmp"), f"edugov-test-worker-{db['NAME']}.log"), "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "edugov", "worker", "-P", "solo", "--loglevel=INFO", "-Q", queue,
         "--without-gossip", "--without-mingle", "-n", f"test-{os.getpid()}@%h"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=settings.BASE_DIR,
    )
    deadline = time.monotonic() + 60
    while not app.control.ping(timeout=1):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError("the Celery worker did not start; see edugov-test-worker.log")
    yield proc
    app.conf.task_default_queue = saved_queue
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()
