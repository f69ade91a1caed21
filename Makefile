# MOKESTA savitarna. Quick start: `make run` (serves the portal with demo data), `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DEBUG ?= 1

.PHONY: run test install lint format typecheck messages migrations-check ci bench

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# Links in the mail `make run` prints (confirmation, reset, invoices) point to the port it serves.
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: install
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

typecheck: install
	DEBUG=1 $(VENV)/bin/mypy mokesta

migrations-check: install
	$(PY) manage.py makemigrations --check --dry-run

# Regenerate every app's Lithuanian catalogue and compile it (needs Debian's gettext).
messages: install
	for app in mokesta/*/locale; do (cd $$app/.. && ../../$(PY) ../../manage.py makemessages -l lt --no-obsolete >/dev/null); done
	$(PY) manage.py compilemessages --ignore=.venv >/dev/null

# The CI script: ruff, migrations check, the suite on SQLite and PostgreSQL, browser tests.
ci:
	bash .ci/run

# Every benchmark with a small N (a quick smoke run; README gives the full-size figures).
# Billing, PDF and statements use a throw-away database; the outbox one uses var/'s database.
bench: install
	$(PY) bench/billing.py 2000
	$(PY) bench/pdf.py 100
	$(PY) bench/statements.py 2000
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) bench/outbox.py 500 2
