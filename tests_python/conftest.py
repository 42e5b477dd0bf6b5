"""Shared helpers: run dbt against a temporary DuckDB file on a given raw folder."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
DBT = str(Path(sys.executable).with_name("dbt"))


@dataclass
class DbtResult:
    returncode: int
    output: str
    db_path: Path

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.db_path), read_only=True) as con:
            return con.execute(sql).fetchall()


def run_dbt(raw_dir: Path, db_path: Path, *args: str, vars_: str | None = None) -> DbtResult:
    env = {
        **os.environ,
        "LOYALTY_RAW_DIR": str(raw_dir),
        "LOYALTY_DB_PATH": str(db_path),
        "DBT_PROFILES_DIR": str(ROOT),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_USE_COLORS": "false",
        # each run parses afresh: partial parsing state is keyed to one env
        "DBT_PARTIAL_PARSE": "false",
        "DBT_TARGET_PATH": str(db_path.parent / "target"),
        "DBT_LOG_PATH": str(db_path.parent / "logs"),
    }
    cmd = [DBT, "build", "--project-dir", str(ROOT), *args]
    if vars_:
        cmd += ["--vars", vars_]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=ROOT)
    return DbtResult(proc.returncode, proc.stdout + proc.stderr, db_path)


@pytest.fixture
def dbt_build(tmp_path):
    """Call as dbt_build(raw_dir, *dbt_args, vars_=...)."""

    def _build(raw_dir: Path, *args: str, vars_: str | None = None) -> DbtResult:
        return run_dbt(raw_dir, tmp_path / "warehouse.duckdb", *args, vars_=vars_)

    return _build


# The order pytest-xdist hands out the test files in (`--dist loadfile`: a file runs
# on one worker; `--no-loadscope-reorder` in pyproject.toml keeps this order, where
# xdist would start with the files that have the most tests). The slowest first, in
# seconds on two cores with three workers: Spark about 600, the daily builds 590,
# staging 360, quality 310, messy exports 260. xdist at once tops up a worker with two
# tests or fewer to run, the Spark worker's: test_contract.py, a second of work, is
# the file it gets, so that nothing slow waits behind the Spark test. The remaining
# files follow in their usual order.
FILES_FIRST = (
    "test_spark.py",
    "test_incremental.py",
    "test_staging.py",
    "test_contract.py",
    "test_quality.py",
    "test_messy_exports.py",
)


def pytest_collection_modifyitems(config, items):
    """FILES_FIRST first, the others after them: longest first is how a few workers
    finish together."""
    rank = {name: i for i, name in enumerate(FILES_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


# Great Expectations imports pyspark's Spark Connect module when pyspark is installed
# (requirements-spark.lock), and that module calls sys.exit(0) on import when the main
# module has no __file__ (it takes that for a doctest run): as in a pytest-xdist
# worker. Give the worker's main module the file it runs from.
import __main__  # noqa: E402

if getattr(__main__, "__spec__", None) is None and not hasattr(__main__, "__file__"):
    __main__.__file__ = __file__
