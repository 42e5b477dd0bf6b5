"""The same project on Apache Spark (dbt-spark, an in-process `local[*]` session).

Every table of `marts` and `quarantine` built on Spark equals the DuckDB build of the
same raw data (`loyalty compare-engines`). Hand-made exports of two days
(fixtures/empty_last_fields) are built in full and then one day incrementally
(insert_overwrite of the window's months), compared after each day. DuckDB's own
daily builds equal its full builds (test_incremental.py), so the one-day Spark build
equals a full one. Raw tables in the metastore, typed as a loader leaves them and
built by a root project with this one as a package, give the marts of the same rows
as files. Both build every model and seed; the data and unit tests run on Spark in
the cluster's test of a dirty export over Spark Connect (test_spark_cluster.py),
which takes the time a second in-process build would take. Values written in odd
ways (fixtures/written_values) are staged and quarantined as on DuckDB: the staging
layer alone, compared table by table.

Run by `make test-spark` (Java 17+, requirements-spark.lock); `make test` runs it
when Java is present. Under CI=true a missing Spark or Java fails, never skips.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import raw_tables
from conftest import DBT, FIXTURES, MODELS_AND_SEEDS, ROOT, own_project, run_dbt
from loyalty_warehouse import generate as g
from loyalty_warehouse.compare import compare_marts

pytestmark = pytest.mark.spark

LOYALTY = str(Path(sys.executable).with_name("loyalty"))
MARTS_AND_QUARANTINE_TABLES = 24


def _spark_missing() -> str | None:
    if (
        importlib.util.find_spec("pyspark") is None
        or importlib.util.find_spec("dbt.adapters.spark") is None
    ):
        return "pyspark / dbt-spark are not installed: run `make install-spark`"
    if shutil.which("java") is None:
        return "no java on PATH: the Spark target needs Java 17+"
    return None


@pytest.fixture(scope="module", autouse=True)
def spark_available():
    reason = _spark_missing()
    if reason and os.environ.get("CI") == "true":
        pytest.fail(reason)
    if reason:
        pytest.skip(reason)


def spark_build(raw_dir: Path, spark_dir: Path, *args: str, env: dict | None = None
                ) -> subprocess.CompletedProcess:  # fmt: skip
    env = {
        **os.environ,
        **(env or {}),
        "LOYALTY_RAW_DIR": str(raw_dir),
        "LOYALTY_SPARK_DIR": str(spark_dir),
        "DBT_PROFILES_DIR": str(ROOT),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_USE_COLORS": "false",
        "DBT_PARTIAL_PARSE": "false",
        "DBT_TARGET_PATH": str(spark_dir / "dbt_target"),
        "DBT_LOG_PATH": str(spark_dir / "logs"),
    }
    return subprocess.run(
        [LOYALTY, *args], env=env, capture_output=True, text=True, cwd=ROOT, check=False
    )


def compiled(spark_dir: Path, kind: str, model: str) -> str:
    # the model's own file, not its unit tests' (in folders named after their yml)
    files = (spark_dir / "dbt_target" / kind).rglob(f"{model}.sql")
    (path,) = [f for f in files if f.parent.suffix != ".yml"]
    return path.read_text()


def assert_engines_equal(raw_dir: Path, spark_dir: Path, duck: Path, step: str,
                         target: str = "spark", env: dict | None = None,
                         schemas: tuple[str, ...] = (), tables: int = MARTS_AND_QUARANTINE_TABLES
                         ) -> list[str]:  # fmt: skip
    """`loyalty compare-engines` finds every marts and quarantine table (or every
    table of the schemas) equal."""
    chosen = [arg for schema in schemas for arg in ("--schema", schema)]
    compared = spark_build(raw_dir, spark_dir, "compare-engines", "--db", str(duck),
                           "--target", target, *chosen, env=env)  # fmt: skip
    assert compared.returncode == 0, f"{step}\n{compared.stdout}{compared.stderr[-3000:]}"
    lines = compared.stdout.strip().splitlines()
    assert len(lines) == tables, compared.stdout
    assert all(line.endswith(", equal") for line in lines), compared.stdout
    return lines


def test_empty_last_fields_and_a_first_day_without_purchases(tmp_path):
    """Valid CSV exports whose optional last column is mostly empty (LF and CRLF) are
    staged whole on both engines, and a one-day build after a day without a purchase
    (an empty fct_customer_months) equals a full build (fixtures/empty_last_fields)."""
    days = FIXTURES / "empty_last_fields"
    spark_dir = tmp_path / "spark"
    duck_daily = tmp_path / "daily" / "warehouse.duckdb"
    for day, months in (("day_1", 0), ("day_2", 2)):
        # models and seeds: the data and unit tests run on Spark in the dirty export's test
        built = spark_build(days / day, spark_dir, "build", "--target", "spark", *MODELS_AND_SEEDS)
        assert built.returncode == 0, f"{day}\n{built.stdout[-6000:]}{built.stderr[-3000:]}"
        assert "ERROR=0" in built.stdout and "SKIP=0" in built.stdout, built.stdout[-3000:]
        full = run_dbt(days / day, tmp_path / day / "warehouse.duckdb")
        assert full.returncode == 0, full.output
        rows_in = {t: len(f.read_text().splitlines()) - 1 for t, f in (
            (f.stem, f) for f in (days / day).glob("*.csv"))}  # fmt: skip
        for table, rows in rows_in.items():
            assert full.query(f"select count(*) from staging.stg_raw__{table}")[0][0] == rows
        assert full.query("select count(*) from quarantine.quarantined_rows") == [(0,)]
        assert full.query("select count(*) from marts.fct_customer_months") == [(months,)]
        # Spark's quarantine and marts equal DuckDB's: nothing quarantined there either
        assert_engines_equal(days / day, spark_dir, full.db_path, day)
        daily_build = run_dbt(days / day, duck_daily)
        assert daily_build.returncode == 0, daily_build.output
    # the day_2 Spark build was incremental: it overwrote the months of its window
    # (January, from the orders of 12 January less the lookback); fct_customer_months,
    # empty before, rebuilt every month (fct_orders is a view of int_orders_sequenced)
    for model in ("int_orders_sequenced", "int_survey_responses_categorised"):
        assert "date '2024-01-01'" in compiled(spark_dir, "compiled", model), model
    for model in (
        "int_orders_sequenced",
        "int_survey_responses_categorised",
        "int_customer_months_accumulated",
    ):
        assert "insert overwrite" in compiled(spark_dir, "run", model).lower(), model
    # DuckDB's one-day build after the empty day equals its full build too
    differences = compare_marts(tmp_path / "day_2" / "warehouse.duckdb", duck_daily)
    assert differences and all(diff == 0 for _, diff in differences.values()), differences


def test_metastore_tables_build_the_marts_of_the_same_files(tmp_path):
    """Raw tables in the Spark metastore, typed as a loader leaves them (integer ids,
    timestamps, revenue as double and cost as text, an extra column, a mapped column
    name, another table name: tests_python/raw_tables.py), built by a root project of
    one's own with this project as a package (fixtures/own_project, on a Spark target),
    give every mart and quarantine table of the DuckDB build of the same rows as files."""
    g.write_raw(g.GeneratorConfig(customers=200, seed=41), tmp_path / "generated")
    files, typed = tmp_path / "files", tmp_path / "typed"
    raw_tables.write_raw_tables(tmp_path / "generated", tmp_path / "loader.duckdb", files,
                                parquet=typed)  # fmt: skip
    spark_dir = tmp_path / "spark"
    loaded = subprocess.run(
        [sys.executable, str(Path(raw_tables.__file__)), str(typed), "shop"],
        env={**os.environ, "LOYALTY_SPARK_DIR": str(spark_dir), "DBT_PROFILES_DIR": str(ROOT)},
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr[-3000:]
    assert "shop.order_lines: order_id bigint, customer_id bigint, ordered_at timestamp" \
        in loaded.stdout, loaded.stdout  # fmt: skip

    # the root project reads shop's tables by its own vars, on a Spark target of its
    # own profile: this project's `spark` output, named `lake`
    project = own_project(tmp_path / "acme", spark_output="lake")
    project_vars = yaml.safe_load((project / "dbt_project.yml").read_text())["vars"]
    assert project_vars == raw_tables.TABLE_VARS  # the tables raw_tables loaded
    root = ("--project-dir", str(project), "--profiles-dir", str(project), "--target", "lake")
    no_files = tmp_path / "no-files"
    no_files.mkdir()
    deps = subprocess.run([DBT, "deps", *root[:4]], capture_output=True, text=True, check=False)
    assert deps.returncode == 0, deps.stdout + deps.stderr
    built = spark_build(no_files, spark_dir, "build", *root, *MODELS_AND_SEEDS)
    assert built.returncode == 0, f"{built.stdout[-6000:]}{built.stderr[-3000:]}"
    assert "ERROR=0" in built.stdout and "SKIP=0" in built.stdout, built.stdout[-3000:]
    assert "raw.orders: shop.order_lines, a table of the warehouse" in built.stdout
    assert "loyal_customers_by_country" in built.stdout  # the root project's own model

    duck = run_dbt(files, tmp_path / "duckdb" / "warehouse.duckdb", *MODELS_AND_SEEDS)
    assert duck.returncode == 0, duck.output
    assert duck.query("select count(*) from quarantine.quarantined_rows") == [(0,)]
    lines = assert_engines_equal(files, spark_dir, duck.db_path, "tables")
    (orders,) = [line for line in lines if line.startswith("marts.fct_orders:")]
    assert duck.query("select count(*) from marts.fct_orders")[0][0] > 500, orders


def test_values_as_written_and_a_50_mb_comment_staged_as_on_duckdb(tmp_path):
    """fixtures/written_values (time zones after a time, amounts to four decimals,
    dates long ago, a repeated extra column) with a 50 MB quoted comment: Spark
    stages and quarantines every row as DuckDB does, value for value (the staging
    layer and what it needs; test_written_values.py checks DuckDB's against the
    values by hand)."""
    from test_written_values import AS_OF, with_a_long_comment

    raw = with_a_long_comment(tmp_path / "raw")
    vars_ = AS_OF[:-1] + ", raw_csv_max_line_mb: 52}"
    staging = ("--select", "+path:models/staging", "+path:models/quarantine", *MODELS_AND_SEEDS)
    spark_dir = tmp_path / "spark"
    built = spark_build(raw, spark_dir, "build", "--target", "spark", *staging, "--vars", vars_)
    assert built.returncode == 0, f"{built.stdout[-6000:]}{built.stderr[-3000:]}"
    duck = run_dbt(raw, tmp_path / "duckdb" / "warehouse.duckdb", *staging, vars_=vars_)
    assert duck.returncode == 0, duck.output[-3000:]
    staged = duck.query("select count(*) from information_schema.tables "
                        "where table_schema = 'staging'")[0][0]  # fmt: skip
    assert staged >= 4  # customers, orders, referral offers, survey responses and their bases
    lines = assert_engines_equal(raw, spark_dir, duck.db_path, "written values",
                                 schemas=("staging", "quarantine"), tables=staged + 1)  # fmt: skip
    (quarantined,) = [line for line in lines if line.startswith("quarantine.")]
    assert quarantined.startswith("quarantine.quarantined_rows: 13 rows")
    (answers,) = [line for line in lines if line.startswith("staging.stg_raw__survey_responses:")]
    assert answers.endswith(", equal"), answers  # the 50 MB comment among them


def test_a_berlin_shops_refunds_currencies_and_days_as_on_duckdb(tmp_path):
    """fixtures/money (refunds in part and in full, euros, yen and a rate change,
    orders across midnight and both clock changes of Berlin, every bad refund and
    rate row): Spark's orders, refunds and quarantine equal DuckDB's, row for row
    (test_money_and_time.py checks DuckDB's against the figures worked out by hand)."""
    from test_money_and_time import BERLIN

    raw = FIXTURES / "money"
    chosen = ("--select", "+fct_orders", "+fct_refunds", "+path:models/quarantine",
              *MODELS_AND_SEEDS)  # fmt: skip
    spark_dir = tmp_path / "spark"
    built = spark_build(raw, spark_dir, "build", "--target", "spark", *chosen, "--vars", BERLIN)
    assert built.returncode == 0, f"{built.stdout[-6000:]}{built.stderr[-3000:]}"
    duck = run_dbt(raw, tmp_path / "duckdb" / "warehouse.duckdb", *chosen, vars_=BERLIN)
    assert duck.returncode == 0, duck.output[-3000:]
    lines = assert_engines_equal(raw, spark_dir, duck.db_path, "money",
                                 schemas=("marts", "quarantine"), tables=3)  # fmt: skip
    assert "marts.fct_orders: 8 rows" in "\n".join(lines), lines
    assert "marts.fct_refunds: 5 rows" in "\n".join(lines), lines
    assert "quarantine.quarantined_rows: 13 rows" in "\n".join(lines), lines
