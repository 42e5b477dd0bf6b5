# The single entry point: `make build` then `make test` (see README.md).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
DBT := $(BIN)/dbt

export DBT_PROFILES_DIR := $(CURDIR)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export LOYALTY_DB_PATH ?= warehouse.duckdb

DEMO_CUSTOMERS ?= 20000
DEMO_SEED ?= 42
# The demo shop keeps its day in New York (docs/demo-data.md): a raw folder the
# generator wrote (it holds truth.json) is built with this reporting_timezone.
DEMO_TIMEZONE := America/New_York
# `make test` builds a small demo set of its own, apart from your warehouse
CI_DIR := target/ci
CI_CUSTOMERS ?= 3000

.PHONY: build install install-spark generate validate bench bench-10m bench-spark spark-cluster-start spark-cluster-stop dashboard metrics test test-python test-dbt test-spark lint docs clean distclean

## build: install (once), generate the demo data if no raw data is configured, dbt build
build: install
	@if [ -z "$${LOYALTY_RAW_DIR:-}" ] && ! ls data/raw/customers.* >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory generate; \
	fi
	@raw="$${LOYALTY_RAW_DIR:-data/raw}"; \
	if [ -f "$$raw/truth.json" ]; then \
		echo "Demo data ($$raw/truth.json): the shop's day is $(DEMO_TIMEZONE)"; \
		$(BIN)/loyalty build --vars '{reporting_timezone: $(DEMO_TIMEZONE)}'; \
	else $(BIN)/loyalty build; fi

## validate: Great Expectations checks of the warehouse (Data Docs in target/gx)
validate: install
	$(BIN)/loyalty validate

install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --no-deps -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

## install-spark: add dbt-spark and pyspark (requirements-spark.lock) for `--target spark`
install-spark: $(VENV)/.installed-spark

$(VENV)/.installed-spark: $(VENV)/.installed requirements-spark.lock
	$(BIN)/pip install --quiet --no-deps -r requirements-spark.lock
	$(BIN)/pip check
	touch $@

## generate: write the demo data set (20,000 customers, three years) to data/raw
generate: install
	$(BIN)/loyalty generate --customers $(DEMO_CUSTOMERS) --seed $(DEMO_SEED) --out data/raw

HAVE_JAVA := $(shell command -v java >/dev/null 2>&1 && echo yes)

## test: everything CI checks: lint, dbt build, then every pytest test, the Spark test
## (when Java is installed; always under CI=true) running beside the others
test: lint test-dbt
	@if [ -z "$(HAVE_JAVA)" ] && [ "$${CI:-}" = true ]; then \
		echo "CI=true but no java on PATH: the Spark tests need Java 17+" >&2; exit 1; \
	fi
	@if [ -n "$(HAVE_JAVA)" ]; then $(MAKE) --no-print-directory install-spark; \
	else echo "No java on PATH: the Spark tests (make test-spark) are left out."; fi
	# three workers on two cores: a dbt build keeps about one core busy
	$(BIN)/pytest -n 3 $(if $(HAVE_JAVA),,-m "not spark")

test-python: install
	$(BIN)/pytest -m "not spark"

## test-spark: build a data set on Spark (full, then one day) and compare with DuckDB
test-spark: install-spark
	$(BIN)/pytest -m spark -n 0

# `loyalty build` (dbt build: seeds, models, data tests, unit tests; then the Great
# Expectations checks and the build summary) on a small generated data set
test-dbt: install
	$(BIN)/loyalty generate --customers $(CI_CUSTOMERS) --seed 7 --out $(CI_DIR)/raw
	rm -f $(CI_DIR)/warehouse.duckdb
	LOYALTY_RAW_DIR=$(CI_DIR)/raw LOYALTY_DB_PATH=$(CI_DIR)/warehouse.duckdb $(BIN)/loyalty build \
		--vars '{reporting_timezone: $(DEMO_TIMEZONE)}'

## lint: sqlfluff (dbt templater, DuckDB dialect) and ruff
lint: install
	mkdir -p target
	LOYALTY_DB_PATH=target/lint.duckdb $(BIN)/sqlfluff lint models macros tests analyses
	$(BIN)/ruff check loyalty_warehouse tests_python scripts
	$(BIN)/ruff format --check loyalty_warehouse tests_python scripts

## bench: BENCHMARKS.md's table: generation, full and one-day builds, memory, CLV vs lifetimes
## and pymc-marketing, per size; BENCH_AGAINST=<commit> and BENCH_DUCKDB=<releases> build
## that commit, and this checkout on those DuckDB releases, round by round in the same run
BENCH_SIZES ?= 10000,100000,1000000
BENCH_REPEAT ?= 1
BENCH_AGAINST ?=
BENCH_DUCKDB ?=
bench: install
	$(BIN)/loyalty bench --sizes $(BENCH_SIZES) --repeat $(BENCH_REPEAT) \
		$(if $(BENCH_AGAINST),--against $(BENCH_AGAINST)) $(if $(BENCH_DUCKDB),--duckdb $(BENCH_DUCKDB))

## bench-10m: the table's 10,000,000-customer row (about half an hour; 40 GB of free disk)
bench-10m: install
	LOYALTY_DBT_THREADS=1 $(BIN)/loyalty bench --sizes 10000000 --repeat 1 --workdir target/bench-10m

## bench-spark: full and one-day builds on DuckDB, Spark in-process and the local Spark
## cluster over Connect, at 100k and 1M customers, the Spark marts compared with DuckDB's
bench-spark: install-spark
	LOYALTY_SPARK_DRIVER_MEMORY=8g $(BIN)/loyalty bench --target spark --customers 100000 --workdir target/bench-spark-100k
	LOYALTY_SPARK_DRIVER_MEMORY=12g $(BIN)/loyalty bench --target spark --customers 1000000 --workdir target/bench-spark-1m

## spark-cluster-start: a local Spark cluster (Master, two Workers, Spark Connect on
## sc://127.0.0.1:15002) under target/spark-cluster; build on it with --target spark_connect
spark-cluster-start: install-spark
	$(BIN)/loyalty spark-cluster start

## spark-cluster-stop: stop the processes spark-cluster-start started
spark-cluster-stop: install-spark
	$(BIN)/loyalty spark-cluster stop

## dashboard: the Streamlit dashboard of the warehouse on http://127.0.0.1:8501 (read-only)
dashboard: install
	$(BIN)/loyalty dashboard

## metrics: list the semantic layer's metrics (query them with `mf query`, see README)
metrics: install
	LOYALTY_DBT_TARGET=bi $(BIN)/mf list metrics

## docs: dbt docs (target/index.html) for the warehouse built by `make build`
docs: install
	$(DBT) docs generate
	@echo "open target/index.html, or run: $(DBT) docs serve"

## clean: remove build output, generated data and the warehouse (keeps .venv)
clean:
	rm -rf target logs data/raw $(LOYALTY_DB_PATH) $(LOYALTY_DB_PATH).wal

## distclean: clean, and remove the virtual environment
distclean: clean
	rm -rf $(VENV)
