# Two commands for a fresh machine: `make run` (demo app on SQLite, no Redis) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Two processes (the machine has two cores); tests that start a Celery worker share one of them.
PYTEST_ARGS ?= -n 2 --dist loadgroup
# `make run PORT=8001` when 8000 is taken
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := edugov.settings

.PHONY: run test venv setup lint serve worker beat

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

venv: $(VENV)/.installed

setup: venv
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true $(PY) manage.py load_plan
	DEBUG=true $(PY) manage.py demo_accounts
	DEBUG=true $(PY) manage.py demo_progress
	DEBUG=true $(PY) manage.py load_definitions
	DEBUG=true $(PY) manage.py demo_data

run: setup
	DEBUG=true $(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: venv
	$(VENV)/bin/ruff check .
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run

test: lint
	$(VENV)/bin/pytest $(PYTEST_ARGS)

worker: venv
	$(VENV)/bin/celery -A edugov worker --loglevel=INFO

beat: venv
	$(VENV)/bin/celery -A edugov beat --loglevel=INFO
