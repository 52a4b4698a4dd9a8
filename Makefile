# The README's two commands: `make run` and `make test`. Both set up the
# virtual environment from the lock file (constraints.txt) on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
TEST_WAREHOUSE := $(CURDIR)/target/test-warehouse
# dbt-bouncer's environment (defined before `test`, which lists its stamp)
BOUNCER_VENV := .venv-bouncer
BOUNCER_STAMP := $(BOUNCER_VENV)/.installed-stamp
# the Python tests run in this many processes (pytest-xdist), a test
# module at a time each; the data sets they share are built once
PYTEST_WORKERS ?= 2
export DBT_PROFILES_DIR := $(CURDIR)/profiles

# make run RAW_DIR=path AS_OF=YYYY-MM-DD VARS='{key: value}' FULL_REFRESH=1 FULL_CHECK=1
RAW_DIR ?=
AS_OF ?=
VARS ?=
FULL_REFRESH ?=
FULL_CHECK ?=
export RAW_DIR AS_OF VARS FULL_REFRESH FULL_CHECK

.PHONY: install run test checks-and-engines spark-prerequisites lint conventions pytest \
	build-sample test-postgres test-spark bench-spark test-docs \
	superset test-superset \
	docs bench generate clean

# pip prints each package it fetches (no progress bars: plain in CI logs);
# the first install takes a few minutes, later runs skip it
$(STAMP): pyproject.toml constraints.txt
	@echo "Setting up $(VENV) from constraints.txt (first run: a few minutes) ..."
	@date +%s > $(VENV).started 2>/dev/null || true
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --progress-bar off -c constraints.txt -e ".[dev]"
	touch $(STAMP)
	@echo "$(VENV) ready in $$(( $$(date +%s) - $$(cat $(VENV).started) )) s"
	@rm -f $(VENV).started

install: $(STAMP)

## Build the marts on embedded DuckDB (sample data, or RAW_DIR), publish
## them for BI tools, and write the lineage docs.
run: $(STAMP)
	$(BIN)/python -m retention_lib.cli run

## Lint, check conventions, run the Python tests (generator, loader, bad
## input, publishing, gates, semantic layer), build, test, gate and
## publish the sample in a scratch warehouse, open its lineage docs in
## headless Chromium and compare every mart on PostgreSQL and on Spark.
## Two jobs side by side once everything is installed: the Python tests,
## and the rest in the order above (a build of the sample is one process,
## mostly on one core; the two keep both cores busy). pytest's output is
## printed as a whole when it ends, each other step's when the step ends;
## the first failure fails the run.
# dbt's debug log file (logs/dbt.log) is off in the test runs: nothing
# reads it there, the runs' output is in the test report, and writing it
# costs a few percent of dbt's CPU time (DECISIONS 124)
test: $(STAMP) $(BOUNCER_STAMP) spark-prerequisites
	DBT_LOG_LEVEL_FILE=$${DBT_LOG_LEVEL_FILE:-none} $(MAKE) --no-print-directory \
		-j2 --output-sync=target pytest checks-and-engines

# one job of `make test`: everything but the Python tests, one after the
# other (-j1: the build of the sample writes target/, which lint and
# conventions also write, and the engine suites read it; make warns that
# -j1 is forced in this sub-make, which is the point)
checks-and-engines: $(STAMP)
	$(MAKE) --no-print-directory -j1 lint conventions build-sample test-docs \
		test-postgres test-spark

# Java and the `spark` extra, before `make test` starts its two jobs: a
# pip install into .venv must not run beside the Python tests that import
# from it
spark-prerequisites: $(STAMP)
	BIN=$(BIN) bash -c 'set -euo pipefail; source scripts/spark_server.sh; spark_prerequisites'

lint: $(STAMP)
	$(BIN)/ruff check python tests scripts
	$(BIN)/sqlfluff lint models data-tests analyses --processes 2

# dbt-bouncer pins duckdb below 2: it gets its own environment (BOUNCER_VENV)
$(BOUNCER_STAMP): constraints-bouncer.txt
	@echo "Setting up $(BOUNCER_VENV) for dbt-bouncer ..."
	$(PYTHON) -m venv $(BOUNCER_VENV)
	$(BOUNCER_VENV)/bin/python -m pip install --progress-bar off --quiet \
		-c constraints-bouncer.txt dbt-bouncer
	touch $(BOUNCER_STAMP)

## The conventions on the manifest: dbt-bouncer (dbt-bouncer.yml), then
## the few rules it cannot express (scripts/check_conventions.py).
conventions: $(STAMP) $(BOUNCER_STAMP)
	DBT_TARGET=ci $(BIN)/dbt parse --quiet
	@# its log lines carry colour codes even off a terminal: strip them
	bash -o pipefail -c 'NO_COLOR=1 $(BOUNCER_VENV)/bin/dbt-bouncer run \
		--config-file dbt-bouncer.yml 2>&1 | sed "s/\x1b\[[0-9;]*m//g"'
	$(BIN)/python scripts/check_conventions.py target/manifest.json

pytest: $(STAMP)
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile

build-sample: $(STAMP)
	rm -rf $(TEST_WAREHOUSE)
	RETENTION_WAREHOUSE_DIR=$(TEST_WAREHOUSE) RAW_DIR= AS_OF= VARS= FULL_REFRESH= FULL_CHECK= \
		$(BIN)/python -m retention_lib.cli run

## Headless Chromium (installed if missing) opens the sample's static docs
## (the lineage graph renders) and the gates' quality page offline;
## screenshots in target/docs-screenshots/.
test-docs: $(STAMP) build-sample
	BIN=$(BIN) bash scripts/docs_browser_suite.sh target/static_index.html \
		$(TEST_WAREHOUSE)/quality/index.html

## Every mart on a private PostgreSQL cluster (installed if missing),
## compared with the DuckDB marts of build-sample; roles and grants checked.
test-postgres: $(STAMP) build-sample
	BIN=$(BIN) bash scripts/postgres_suite.sh $(TEST_WAREHOUSE)/retention.duckdb

## Every mart on a private Spark Thrift Server started from pyspark (the
## `spark` extra and Java installed if missing), compared with the DuckDB
## marts of build-sample; models only (the data tests ran on DuckDB).
test-spark: $(STAMP) build-sample
	BIN=$(BIN) bash scripts/spark_suite.sh $(TEST_WAREHOUSE)/retention.duckdb

## The single-file static lineage docs (target/static_index.html).
docs: $(STAMP)
	DBT_TARGET=ci $(BIN)/dbt docs generate --static
	@echo "Lineage docs: $(CURDIR)/target/static_index.html"

## Generate a larger data set (Parquet): make generate CUSTOMERS=50000
CUSTOMERS ?= 50000
generate: $(STAMP)
	$(BIN)/python -m retention_lib.generator --customers $(CUSTOMERS) \
		--format parquet --out data/generated/customers_$(CUSTOMERS)

## Benchmark: the CLV fit on 1M simulated customers, then the daily
## scenario on a generated set (generated once, reused): make run on
## yesterday's export, again with no new data, then on the next day's
## export; then the full run alone on each SCALES set (about an hour for
## 150000 and 500000 on 2 cores; SCALES= skips them); times, peak memory,
## slowest models, into docs/BENCHMARKS.md.
SCALES ?= 150000 500000
bench: $(STAMP)
	$(BIN)/python scripts/bench_clv.py --markdown docs/BENCHMARKS.md
	$(BIN)/python scripts/bench.py --customers $(CUSTOMERS) --scale $(SCALES) \
		--markdown docs/BENCHMARKS.md

## The generated set on DuckDB and on a private Spark Thrift Server
## (models only: yesterday's export in full, then the next day's export):
## times, ratios, slowest models, written into docs/BENCHMARKS.md.
## CUSTOMERS as for bench (default 50000).
bench-spark: $(STAMP)
	BIN=$(BIN) bash scripts/spark_bench.sh $(CUSTOMERS)

clean:
	rm -rf target logs warehouse

## Apache Superset with the dashboard bundle of the published warehouse
## (after `make run`): its own environment, a private metadata database in
## target/superset, the published DuckDB file read-only; on 127.0.0.1.
superset: $(STAMP)
	BIN=$(BIN) bash scripts/superset.sh serve warehouse target/manifest.json

## The bundle in a fresh Superset: every dashboard opened in headless
## Chromium, every chart drawn without error (not part of `make test`: the
## first install of Superset takes minutes).
test-superset: $(STAMP) build-sample
	BIN=$(BIN) bash scripts/superset.sh test $(TEST_WAREHOUSE) target/manifest.json
