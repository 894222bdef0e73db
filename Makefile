# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := wsgi

.PHONY: install run worker test lint bench bench-engine clean translations screenshots

install: $(INSTALLED)

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[test]"
	$(BIN)/pybabel compile --use-fuzzy -d service/translations
	touch $@

## run: install, migrate, calendar, catalog, demo data and demo users (once), serve
run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask calendar seed
	$(BIN)/flask catalog load
	$(BIN)/flask demo seed
	$(BIN)/flask users demo
	@echo "onething on http://$(HOST):$(PORT)  (API docs: http://$(HOST):$(PORT)/api/docs)"
	$(BIN)/flask run --host $(HOST) --port $(PORT)

## worker: the Celery worker with beat embedded (development; docs/JOBS.md), on the broker of
## CELERY_BROKER_URL (default: the local Redis) and the database `make run` serves
worker: install
	mkdir -p instance
	$(BIN)/celery --app service.jobs.worker worker --beat --loglevel INFO \
		--schedule instance/celerybeat-schedule

## test: the whole suite, on SQLite and (when reachable, always under CI=true) PostgreSQL
test: install
	$(BIN)/ruff check .
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

## bench: the hot path, then the window's and the departments' pages over 100,000 applications
bench: install
	$(BIN)/python bench/advance.py
	$(BIN)/python bench/window_lists.py
	$(BIN)/python bench/review_lists.py

## bench-engine: the engine beside SpiffWorkflow 3.2.0, which lives in the benchmark's own venv
bench-engine:
	test -x .venv-bench/bin/python || $(PYTHON) -m venv .venv-bench
	.venv-bench/bin/pip install --quiet --disable-pip-version-check -r bench/requirements-engine.txt
	.venv-bench/bin/python bench/engine.py

clean:
	rm -rf $(VENV) .venv-bench instance .pytest_cache .ruff_cache .hypothesis

## translations: extract the messages and update the English catalog
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k _l -k lazy_pgettext:1c,2 -o /tmp/onething.pot .
	$(BIN)/pybabel update -i /tmp/onething.pot -d service/translations
	$(BIN)/pybabel compile -d service/translations

## screenshots: the README's pictures (docs/*.png): the applicant's pages, the dashboard; Debian's chromium
screenshots: install
	$(BIN)/python -m tests.screenshots
