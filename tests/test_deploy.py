"""docker-compose.yml cannot be run here (no Docker engine), so its shape is checked instead."""
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from edugov import env

ROOT = Path(settings.BASE_DIR)


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_five_services(compose):
    assert set(compose["services"]) == {"db", "redis", "web", "worker", "beat"}


def test_web_runs_gunicorn_on_the_project_wsgi(compose):
    command = compose["services"]["web"]["command"]
    assert "gunicorn edugov.wsgi:application" in command
    assert (ROOT / "edugov" / "wsgi.py").exists()
    assert "migrate" in command and "collectstatic" in command


@pytest.mark.parametrize("service, verb", [("worker", "worker"), ("beat", "beat")])
def test_celery_services_start_the_project_app(compose, service, verb):
    assert compose["services"][service]["command"].split()[:4] == ["celery", "-A", "edugov", verb]


@pytest.mark.parametrize("service", ["web", "worker", "beat"])
def test_app_services_point_at_compose_postgres_and_redis(compose, service):
    environment = compose["services"][service]["environment"]
    assert environment["DATABASE_URL"].startswith("postgres://") and "@db:5432/" in environment["DATABASE_URL"]
    assert environment["REDIS_URL"] == "redis://redis:6379/0"
    assert set(compose["services"][service]["depends_on"]) == {"db", "redis"}


def test_database_credentials_agree(compose):
    db_env = compose["services"]["db"]["environment"]
    url = compose["services"]["web"]["environment"]["DATABASE_URL"]
    assert url == f"postgres://{db_env['POSTGRES_USER']}:{db_env['POSTGRES_PASSWORD']}@db:5432/{db_env['POSTGRES_DB']}"


def test_dockerfile_installs_pinned_requirements():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install --no-cache-dir -r requirements.txt" in dockerfile
    requirements = (ROOT / "requirements.txt").read_text().split()
    assert requirements and all("==" in line for line in requirements)


def test_env_helpers_refuse_bad_values(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    monkeypatch.setenv("X_NUM", "ten")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env.boolean("X_FLAG", default=False)
    with pytest.raises(ImproperlyConfigured, match="X_NUM"):
        env.integer("X_NUM", default=1)
    monkeypatch.setenv("X_LIST", "a, b,,c")
    assert env.csv("X_LIST", default=[]) == ["a", "b", "c"]


def test_every_periodic_schedule_names_a_registered_task():
    from edugov.celery import app

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks


def test_plotly_is_served_locally():
    assert (ROOT / "static" / "vendor" / "plotly.min.js").stat().st_size > 1_000_000
