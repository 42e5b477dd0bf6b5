"""Write, audit, publish (loyalty_warehouse/publish/): `loyalty build` replaces the
published snapshot only after a build and validation that passed, with one rename.

A reader that holds the snapshot open through a whole build neither blocks it nor
sees anything but the snapshot it opened; a build that fails a test, or is killed,
leaves the snapshot as it was and says so; the snapshot holds the marts (nothing
else), equal to the working warehouse's, with their comments and marts.build_info."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest

from conftest import ROOT
from loyalty_warehouse import generate as g
from loyalty_warehouse.compare import compare_marts
from loyalty_warehouse.generate import daily
from loyalty_warehouse.publish import project_commit

pytestmark = pytest.mark.dbt

LOYALTY = str(Path(sys.executable).with_name("loyalty"))
DAY = date(2025, 11, 14)


def loyalty_build(folder: Path, raw: Path, *args: str, wait: bool = True):
    env = {
        **os.environ,
        "LOYALTY_RAW_DIR": str(raw),
        "LOYALTY_DB_PATH": str(folder / "warehouse.duckdb"),
        "DBT_PROFILES_DIR": str(ROOT),
        "DBT_TARGET_PATH": str(folder / "target"),
        "DBT_LOG_PATH": str(folder / "logs"),
        "DBT_USE_COLORS": "false",
    }
    command = [LOYALTY, "build", "--exclude", "resource_type:unit_test", *args]
    if not wait:
        return subprocess.Popen(
            command, env=env, cwd=ROOT, text=True, start_new_session=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
    return subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)


def build_info(path: Path) -> tuple:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(
            "select as_of_date, built_at, project_commit from marts.build_info"
        ).fetchone()


@pytest.fixture(scope="module")
def days(tmp_path_factory) -> tuple[Path, Path, Path]:
    """A published build of day N (a working folder), and the raw data of day N+1."""
    folder = tmp_path_factory.mktemp("publish")
    g.write_raw(g.GeneratorConfig(customers=800, seed=3, dirty_rate=0.02), folder / "raw")
    daily.split_days(folder / "raw", DAY, folder / "day_n", folder / "day_n1")
    built = loyalty_build(folder / "build", folder / "day_n")
    assert built.returncode == 0, built.stdout[-4000:] + built.stderr[-4000:]
    return folder / "build", folder / "day_n", folder / "day_n1"


def test_a_build_publishes_the_marts_alone_with_their_comments(days):
    build, _, _ = days
    working, published = build / "warehouse.duckdb", build / "warehouse.published.duckdb"
    differences = compare_marts(working, published)
    assert len(differences) >= 20 and all(diff == 0 for _, diff in differences.values())
    with duckdb.connect(str(published), read_only=True) as con:
        schemas = {s for (s,) in con.execute(
            "select distinct table_schema from information_schema.tables").fetchall()}  # fmt: skip
        comment = con.execute(
            "select comment from duckdb_columns() where table_name = 'dim_customers' "
            "and column_name = 'email_sha256'"
        ).fetchone()[0]
        # fct_orders, a view in the working warehouse, is a table of its own here,
        # with its comments
        kinds = dict(con.execute(
            "select table_name, table_type from information_schema.tables").fetchall())  # fmt: skip
        orders_comment = con.execute(
            "select comment from duckdb_tables() where table_name = 'fct_orders'"
        ).fetchone()[0]
        # in a format DuckDB 1.0 and later read (DuckDB 2's own is the default)
        storage = con.execute("select tags['storage_version'] from duckdb_databases() "
                              "where path = ?", [str(published)]).fetchone()[0]  # fmt: skip
    with duckdb.connect(str(working), read_only=True) as con:
        assert con.execute("select table_type from information_schema.tables "
                           "where table_name = 'fct_orders'").fetchone()[0] == "VIEW"  # fmt: skip
    # no staging, no quarantine (raw records hold personal data); the semantic layer's
    # helpers beside the marts, where MetricFlow's bi target reads them
    assert schemas == {"marts", "semantic"}
    assert "HMAC-SHA256 of the trimmed" in comment
    assert set(kinds.values()) == {"BASE TABLE"} and "fct_orders" in kinds
    assert orders_comment.startswith("One row per staged order")
    assert storage == "v1.0.0+"
    # the comments BI readers see are plain sentences: no markdown, no citations of
    # the source articles or of the repository's pages (dbt docs keep those)
    with duckdb.connect(str(published), read_only=True) as con:
        texts = [c for (c,) in con.execute(
            "select comment from duckdb_columns() where comment is not null "
            "union all select comment from duckdb_tables() where comment is not null"
        ).fetchall()]  # fmt: skip
    with duckdb.connect(str(working), read_only=True) as con:
        rich = con.execute(
            "select count(*) from duckdb_columns() where schema_name = 'marts' "
            "and (comment like '%`%' or comment like '%article 0%')"
        ).fetchone()[0]
    assert len(texts) > 200 and rich > 0
    for text in texts:
        assert not re.search(r"`|\*\*|\]\(|\barticles?\b|\b\d{3} lines?\b|docs/", text), text
    as_of, built_at, commit = build_info(published)
    assert build_info(working) == (as_of, built_at, commit)
    with duckdb.connect(str(working), read_only=True) as con:
        assert (
            as_of
            == con.execute("select as_of_date from staging.base_raw__as_of_date").fetchone()[0]
        )
    assert commit == project_commit(ROOT) and len(commit) >= 40
    assert built_at.year >= 2026


def test_a_query_of_a_working_table_names_the_working_warehouse(days):
    """`loyalty query` reads the published snapshot, which holds the marts alone: a
    query of quarantine (which the build summary names) says where it is."""
    build, _, _ = days
    env = {**os.environ, "LOYALTY_DB_PATH": str(build / "warehouse.duckdb")}
    asked = subprocess.run(
        [LOYALTY, "query", "select count(*) from quarantine.quarantined_rows"],
        env=env, cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert asked.returncode == 1 and "Traceback" not in asked.stderr
    (line,) = asked.stderr.strip().splitlines()
    assert "holds the marts alone" in line and "loyalty query --working" in line
    working = subprocess.run(
        [LOYALTY, "query", "--working", "select count(*) from quarantine.quarantined_rows"],
        env=env, cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert working.returncode == 0, working.stderr


def test_a_reader_holding_the_snapshot_sees_one_snapshot_through_a_build(days):
    build, _, day_n1 = days
    published = build / "warehouse.published.duckdb"
    before = build_info(published)
    reader = duckdb.connect(str(published), read_only=True)
    try:
        orders = reader.execute("select count(*) from marts.fct_orders").fetchone()[0]
        running = loyalty_build(build, day_n1, wait=False)
        # the build's output is read as it comes: a full pipe would stop the build
        printed: list[str] = []
        drain = threading.Thread(target=lambda: printed.append(running.stdout.read()))
        drain.start()
        reads = 0
        while running.poll() is None:  # the reader keeps reading while it builds
            assert reader.execute("select count(*) from marts.fct_orders").fetchone()[0] == orders
            reads += 1
            time.sleep(0.5)
        drain.join(timeout=60)
        output = printed[0]
        assert running.returncode == 0, output[-4000:]
        assert reads > 10
        assert f"Published {published.resolve()}" in output
        # the open connection still reads the snapshot it opened ...
        assert reader.execute("select count(*) from marts.fct_orders").fetchone()[0] == orders
        assert reader.execute("select built_at from marts.build_info").fetchone()[0] == before[1]
    finally:
        reader.close()
    # ... and a new one reads the new snapshot, one day later
    after = build_info(published)
    assert after[0] > before[0] and after[1] > before[1]
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("select count(*) from marts.fct_orders").fetchone()[0] > orders


def test_a_build_that_fails_a_test_leaves_the_snapshot_and_says_so(days):
    build, _, day_n1 = days
    published = build / "warehouse.published.duckdb"
    before, inode = build_info(published), published.stat().st_ino
    # no quarantined row allowed: the dirty data's quarantine-share tests fail
    failed = loyalty_build(build, day_n1, "--vars", "{quarantine_error_share: 0.0}")
    assert failed.returncode != 0
    assert (
        f"Not published (the dbt build failed): BI still reads {published} (as of {before[0]}"
        in failed.stderr
    )
    assert build_info(published) == before and published.stat().st_ino == inode


def test_a_build_killed_midway_leaves_the_snapshot(days):
    build, _, day_n1 = days
    published = build / "warehouse.published.duckdb"
    before, inode = build_info(published), published.stat().st_ino
    running = loyalty_build(build, day_n1, "--full-refresh", wait=False)
    try:
        for line in running.stdout:  # killed once dbt is writing the marts
            if "OK created" in line and " marts." in line:
                break
        os.killpg(running.pid, signal.SIGKILL)
    finally:
        running.wait(timeout=60)
    assert running.returncode == -signal.SIGKILL
    assert build_info(published) == before and published.stat().st_ino == inode
    assert not list(build.glob(".warehouse.published.duckdb.*"))
    # a killed publish can leave only its scratch file, which the next publish removes
    (build / ".warehouse.published.duckdb.999.tmp").write_bytes(b"half a file")
    again = loyalty_build(build, day_n1)
    assert again.returncode == 0, again.stdout[-4000:] + again.stderr[-4000:]
    assert not list(build.glob(".warehouse.published.duckdb.*"))
    assert build_info(published)[1] > before[1]
