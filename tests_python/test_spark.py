"""The same project on Apache Spark (dbt-spark, an in-process `local[*]` session).

A data set with every quarantine reason is built on Spark for N days in full, then
one more day incrementally (the next day's rows sorted in among the old ones, with
late rows); after each build every table of `marts` and `quarantine` equals the
DuckDB build of the same raw data (`loyalty compare-engines`). DuckDB's own daily
build equals its full build (test_incremental.py), so the one-day Spark build
equals a full one.

Run by `make test-spark` (Java 17+, requirements-spark.lock); `make test` runs it
when Java is present. Under CI=true a missing Spark or Java fails, never skips.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from test_incremental import LOOKBACK_DAYS

from conftest import ROOT, run_dbt
from loyalty_warehouse import daily
from loyalty_warehouse import generate as g

pytestmark = pytest.mark.spark

LOYALTY = str(Path(sys.executable).with_name("loyalty"))
DAY = date(2025, 11, 14)  # mid-month: the window starts at the month's first day
MARTS_AND_QUARANTINE_TABLES = 21


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


def spark_build(raw_dir: Path, spark_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
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


def test_spark_full_and_one_day_builds_equal_duckdb(tmp_path):
    raw = tmp_path / "raw"
    g.write_raw(g.GeneratorConfig(customers=1_000, seed=7, dirty_rate=0.02), raw)
    counts = daily.split_days(
        raw, DAY, tmp_path / "day_n", tmp_path / "day_n1", order="by_customer"
    )
    assert counts["orders"][1] > counts["orders"][0]
    spark_dir = tmp_path / "spark"

    for step, raw_dir in (("full", tmp_path / "day_n"), ("one day", tmp_path / "day_n1")):
        built = spark_build(raw_dir, spark_dir, "build", "--target", "spark")
        assert built.returncode == 0, (
            f"{step} Spark build\n{built.stdout[-6000:]}{built.stderr[-3000:]}"
        )
        assert "ERROR=0" in built.stdout and "SKIP=0" in built.stdout, built.stdout[-3000:]

        duck = run_dbt(raw_dir, tmp_path / step.replace(" ", "_") / "warehouse.duckdb")
        assert duck.returncode == 0, duck.output
        compared = spark_build(raw_dir, spark_dir, "compare-engines", "--db", str(duck.db_path))
        assert compared.returncode == 0, f"{step}\n{compared.stdout}{compared.stderr[-3000:]}"
        lines = compared.stdout.strip().splitlines()
        assert len(lines) == MARTS_AND_QUARANTINE_TABLES, compared.stdout
        assert all(line.endswith(", equal") for line in lines), compared.stdout
        # the comparison compared rows: the orders, and quarantined ones
        (orders,) = [line for line in lines if line.startswith("marts.fct_orders:")]
        assert duck.query("select count(*) from marts.fct_orders")[0][0] > 7_000
        assert f"{duck.query('select count(*) from marts.fct_orders')[0][0]:,} rows" in orders
        quarantined = "select count(distinct reason) from quarantine.quarantined_rows"
        assert duck.query(quarantined)[0][0] >= 9

    # the second Spark build was incremental: it overwrote the months of its window
    window_month = (DAY - timedelta(days=LOOKBACK_DAYS)).replace(day=1)
    for model in ("fct_orders", "fct_survey_responses", "fct_customer_months"):
        assert f"date '{window_month}'" in compiled(spark_dir, "compiled", model), model
        assert "insert overwrite" in compiled(spark_dir, "run", model).lower(), model
