"""Shared helpers: run dbt against a temporary DuckDB file on a given raw folder."""

from __future__ import annotations

import atexit
import csv
import functools
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
DBT = str(Path(sys.executable).with_name("dbt"))
PARTIAL_PARSE_FILE = "partial_parse.msgpack"
# builds that write the tables only, where another test runs the data tests on the same shape
MODELS_AND_SEEDS = ("--resource-type", "model", "--resource-type", "seed")


@dataclass
class DbtResult:
    returncode: int
    output: str
    db_path: Path

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.db_path), read_only=True) as con:
            return con.execute(sql).fetchall()


def _dbt_env(raw_dir: Path, db_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "LOYALTY_RAW_DIR": str(raw_dir),
        # relative to the build's folder (its working directory): the profile then
        # reads the same in every build, and dbt's partial parsing keeps its state
        "LOYALTY_DB_PATH": db_path.name,
        "DBT_PROFILES_DIR": str(ROOT),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_USE_COLORS": "false",
        "DBT_PARTIAL_PARSE": "true",
        "DBT_TARGET_PATH": str(db_path.parent / "target"),
        "DBT_LOG_PATH": str(db_path.parent / "logs"),
    }


@functools.cache
def parsed_project() -> Path:
    """dbt's partial-parsing state of the project, parsed once per test process.

    A full parse costs about five seconds of CPU and the suite runs some sixty
    builds, each with a warehouse of its own. A build that starts from this state
    re-parses only what its settings change: the files reading an env var that
    differs, everything when its --vars or its warehouse's file name differ.
    """
    folder = Path(tempfile.mkdtemp(prefix="dbt-parsed-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    env = _dbt_env(FIXTURES / "minimal", folder / "warehouse.duckdb")
    proc = subprocess.run([DBT, "parse", "--project-dir", str(ROOT)], env=env,
                          capture_output=True, text=True, cwd=folder)  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return folder / "target" / PARTIAL_PARSE_FILE


def own_project(folder: Path, package: str | None = None, spark_output: str | None = None) -> Path:
    """fixtures/own_project copied to folder: a root project with this one as a
    package (``package``: its packages.yml line, default this checkout as a local
    path), and with ``spark_output`` its profile also has this project's `spark`
    output under that name."""
    import yaml

    shutil.copytree(FIXTURES / "own_project", folder)
    (folder / "packages.yml").write_text(f"packages:\n  - {package or f'local: {ROOT}'}\n")
    if spark_output:
        profiles = yaml.safe_load((folder / "profiles.yml").read_text())
        ours = yaml.safe_load((ROOT / "profiles.yml").read_text())
        profiles["acme"]["outputs"][spark_output] = ours["loyalty_warehouse"]["outputs"]["spark"]
        (folder / "profiles.yml").write_text(yaml.safe_dump(profiles))
    return folder


def run_dbt(raw_dir: Path, db_path: Path, *args: str, vars_: str | None = None) -> DbtResult:
    db_path.parent.mkdir(parents=True, exist_ok=True)
    state = db_path.parent / "target" / PARTIAL_PARSE_FILE
    if not state.exists():  # a second build of this warehouse goes on from its own
        state.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(parsed_project(), state)
    # unit tests read no raw data: `make test-dbt` runs them, and each build here
    # would spend a fifth of its time running them again
    cmd = [DBT, "build", "--project-dir", str(ROOT), "--exclude", "resource_type:unit_test", *args]
    if vars_:
        cmd += ["--vars", vars_]
    proc = subprocess.run(cmd, env=_dbt_env(raw_dir, db_path), capture_output=True,
                          text=True, cwd=db_path.parent)  # fmt: skip
    return DbtResult(proc.returncode, proc.stdout + proc.stderr, db_path)


@pytest.fixture
def dbt_build(tmp_path):
    """Call as dbt_build(raw_dir, *dbt_args, vars_=...)."""

    def _build(raw_dir: Path, *args: str, vars_: str | None = None) -> DbtResult:
        return run_dbt(raw_dir, tmp_path / "warehouse.duckdb", *args, vars_=vars_)

    return _build


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> str:
    """A PostgreSQL server's admin URL: LOYALTY_TEST_POSTGRES (started by `.ci/run`),
    else one of our own (loyalty_warehouse/publish/pg_server.py), stopped after the module."""
    from loyalty_warehouse.publish import pg_server

    if os.environ.get("LOYALTY_TEST_POSTGRES"):
        yield os.environ["LOYALTY_TEST_POSTGRES"]
        return
    if pg_server.binaries() is None:
        message = "no PostgreSQL server: apt-get install postgresql (.ci/run does)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    folder = tmp_path_factory.mktemp("postgres")
    try:
        yield pg_server.start(folder)
    finally:
        pg_server.stop(folder)


@pytest.fixture(scope="module")
def db(server) -> tuple[str, str]:
    """(admin URL, reader role) of a new database of the server, dropped afterwards."""
    import uuid

    from loyalty_warehouse.publish.pg_server import connect, url_of

    name = f"loyalty_test_{uuid.uuid4().hex[:8]}"
    admin = connect(server)
    admin.adbc_connection.set_autocommit(True)
    cur = admin.cursor()
    cur.execute(f"create database {name}")
    try:
        yield url_of(server, name), f"reader_{name}"
    finally:
        cur.execute(f"drop database {name} with (force)")
        cur.execute(f"drop role if exists reader_{name}")
        admin.close()


@pytest.fixture(scope="session")
def cdnow():
    """The CDNOW sample's calibration summary (x, t_x, T, zbar), as published by
    Fader, Hardie and Lee: 2,357 customers."""
    import numpy as np

    with (FIXTURES / "cdnow" / "cdnow_summary.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    return {k: np.array([float(r[k]) for r in rows]) for k in ("x", "t_x", "T", "zbar")}


# The order pytest-xdist hands out the test files in (`--dist loadfile`: a file runs
# on one worker; `--no-loadscope-reorder` in pyproject.toml keeps this order, where
# xdist would start with the files that have the most tests). The slowest first, in
# seconds on two cores with three workers: the Spark cluster and the in-process Spark
# session about 500 each, the daily builds 590, staging 360, quality 310, messy
# exports 260. xdist at once tops up a worker with two tests or fewer to run, the
# Spark workers': test_contract.py, a second of work, is the file it gets, so that
# nothing slow waits behind a Spark test. The remaining files follow in their usual
# order.
FILES_FIRST = (
    "test_spark_cluster.py",
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
