# Every target builds the virtualenv first, from nothing if needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export DAGSTER_HOME := $(CURDIR)/.dagster_home
export RUNTIME__DLTHUB_TELEMETRY := false
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DO_NOT_TRACK := 1
export PATH := $(CURDIR)/bin:$(CURDIR)/$(BIN):$(PATH)

.PHONY: install run test bench ui docs lint-sql clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "acorn needs Python 3.11 or newer; found " + sys.version.split()[0])'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/acorn run

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m benchmarks

ui: $(STAMP)
	$(BIN)/acorn ui

# dbt docs (models, columns, tests, lineage) into dbt_project/target, read from the warehouse.
docs: WAREHOUSE := $(or $(ACORN_WAREHOUSE),$(CURDIR)/data/warehouse.duckdb)
docs: $(STAMP)
	@test -f "$(WAREHOUSE)" || { echo "no warehouse at $(WAREHOUSE): run 'make run' first, or set ACORN_WAREHOUSE"; exit 1; }
	ACORN_WAREHOUSE="$(WAREHOUSE)" dbt docs generate --project-dir dbt_project --profiles-dir dbt_project
	@echo "open dbt_project/target/index.html through: ACORN_WAREHOUSE=$(WAREHOUSE) dbt docs serve --project-dir dbt_project --profiles-dir dbt_project --host 127.0.0.1"

# SQL style of the dbt models and singular tests: sqlfluff, DuckDB dialect, settings in
# dbt_project/.sqlfluff. It needs no warehouse.
lint-sql: $(STAMP)
	cd dbt_project && ../$(BIN)/sqlfluff lint models tests

clean:
	rm -rf $(VENV) .dagster_home dbt_project/target dbt_project/logs
