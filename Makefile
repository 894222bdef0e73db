# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := wsgi

.PHONY: install run test lint bench clean

install: $(INSTALLED)

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[test]"
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

## test: the whole suite, on SQLite and (when reachable, always under CI=true) PostgreSQL
test: install
	$(BIN)/ruff check .
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

bench: install
	$(BIN)/python bench/advance.py

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache .hypothesis
