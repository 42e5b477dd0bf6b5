"""What `loyalty build` and `loyalty publish` do when something goes wrong: each
case refuses to publish in one line naming why, and BI keeps reading the snapshot
it had. A build whose export lost rows (a re-export with a wrong filter, a failed
export with no orders) is audited against the published build's raw row counts; a
second build, a writer opening the warehouse after dbt, a disk filling while
publishing and PostgreSQL lost at the schema swap are each one line, no traceback."""

from __future__ import annotations

import errno
import os
import resource
import shutil
import signal
import subprocess
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest

from conftest import ROOT
from loyalty_warehouse import generate as g
from loyalty_warehouse.cli.build import _why
from loyalty_warehouse.generate import daily
from loyalty_warehouse.publish import publish_duckdb
from loyalty_warehouse.publish.pg_server import connect, rows, url_of
from loyalty_warehouse.publish.postgres import LOADING, publish_postgres
from test_publish import LOYALTY, build_info, loyalty_build

pytestmark = pytest.mark.dbt

DAY = date(2025, 11, 14)


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> tuple[Path, Path]:
    """A working folder whose day-N build was published, and the next day's export."""
    folder = tmp_path_factory.mktemp("faults")
    g.write_raw(g.GeneratorConfig(customers=800, seed=5), folder / "raw")
    daily.split_days(folder / "raw", DAY, folder / "day_n", folder / "day_n1")
    built = loyalty_build(folder / "build", folder / "day_n")
    assert built.returncode == 0, built.stdout[-4000:] + built.stderr[-4000:]
    return folder / "build", folder / "day_n1"


def _not_published_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.startswith("Not published")]
    assert len(lines) == 1, output[-4000:]
    assert "Traceback" not in output and "BI still reads" in lines[0]
    return lines[0]


def test_an_export_that_lost_rows_is_not_published_until_the_var_accepts_it(published):
    build, day_n1 = published
    snapshot = build / "warehouse.published.duckdb"
    before = build_info(snapshot)
    export = build.parent / "lost_march"
    shutil.copytree(day_n1, export)
    orders = export / "orders.parquet"
    with duckdb.connect() as con:
        old = con.execute(f"select count(*) from read_parquet('{orders}')").fetchone()[0]
        con.execute(f"copy (select * from read_parquet('{orders}') where "
                    f"strftime(ordered_at, '%Y-%m') <> '2024-03') to '{orders}.new' "
                    "(format parquet)")  # fmt: skip
        new = con.execute(f"select count(*) from read_parquet('{orders}.new')").fetchone()[0]
    Path(f"{orders}.new").replace(orders)
    with duckdb.connect(str(snapshot), read_only=True) as con:
        (published_rows,) = con.execute(
            "select rows_read from marts.fct_raw_table_loads where source_table = 'orders'"
        ).fetchone()
    assert published_rows < old and (published_rows - new) / published_rows > 0.02

    refused = loyalty_build(build, export)
    assert refused.returncode == 1
    line = _not_published_line(refused.stderr)
    drop = (published_rows - new) / published_rows
    assert (
        f"the raw table orders has {new:,} rows, {drop:.1%} fewer than the "
        f"{published_rows:,} of the published build, more than publish_max_raw_drop_share "
        "(0.02); if that is right, build again with --vars '{publish_max_raw_drop_share: "
    ) in line
    assert build_info(snapshot) == before

    share = line.split("publish_max_raw_drop_share: ")[1].split("}")[0]
    accepted = loyalty_build(build, export, "--vars", f"{{publish_max_raw_drop_share: {share}}}")
    assert accepted.returncode == 0, accepted.stderr[-4000:]
    assert build_info(snapshot)[1] > before[1]


def test_an_export_without_orders_is_not_published(published):
    build, day_n1 = published
    snapshot = build / "warehouse.published.duckdb"
    before = build_info(snapshot)
    export = build.parent / "no_orders"
    shutil.copytree(day_n1, export)
    (export / "orders.parquet").unlink()
    (export / "orders.csv").write_text("order_id,customer_id,ordered_at,status,revenue,cost\n")
    # the shop's refunds come from the same failed export (refunds of orders that are
    # not there would be quarantined as unknown_order, failing the build on its share)
    (export / "refunds.parquet").unlink()
    (export / "refunds.csv").write_text("refund_id,order_id,refunded_at,amount\n")
    refused = loyalty_build(build, export)
    assert refused.returncode == 1
    line = _not_published_line(refused.stderr)
    assert "the required raw table orders has no rows (an empty or failed export" in line
    # both tables fell short: one line names each and ends with the share accepting both
    assert "; the raw table refunds has 0 rows, 100.0% fewer than the " in line
    assert line.count("--vars") == 1
    assert "--vars '{publish_max_raw_drop_share: 1}'" in line
    assert build_info(snapshot) == before


def test_a_second_build_at_once_names_the_running_one(published):
    build, day_n1 = published
    running = loyalty_build(build, day_n1, wait=False)
    try:
        lock = build / "warehouse.duckdb.lock"
        deadline = time.monotonic() + 60
        # the file outlives the build that wrote it: wait for this build's own pid
        while not (lock.exists() and lock.read_text().startswith(f"pid {running.pid},")):
            assert time.monotonic() < deadline and running.poll() is None
            time.sleep(0.1)
        second = loyalty_build(build, day_n1)
        assert second.returncode == 1
        output = second.stdout + second.stderr
        assert "Traceback" not in output
        (line,) = [line for line in output.splitlines() if line.startswith("Another build")]
        assert line.startswith(f"Another build (pid {running.pid}, started ")
        assert f"is running on {build / 'warehouse.duckdb'}" in line
    finally:
        os.killpg(running.pid, signal.SIGKILL)
        running.wait(timeout=60)
    # the lock went with the killed build: the next one runs
    again = loyalty_build(build, day_n1)
    assert again.returncode == 0, again.stderr[-4000:]


def test_a_writer_opening_the_warehouse_after_dbt_is_one_line(published):
    build, day_n1 = published
    snapshot = build / "warehouse.published.duckdb"
    before = build_info(snapshot)
    running = loyalty_build(build, day_n1, wait=False)
    writer = None
    try:
        for line in running.stdout:  # dbt has finished: open the file for writing
            if "Completed successfully" in line:
                writer = _open_when_free(build / "warehouse.duckdb")
                break
        output = running.stdout.read()
        running.wait(timeout=300)
    finally:
        if writer is not None:
            writer.close()
    assert writer is not None and running.returncode == 1
    line = _not_published_line(output)
    assert f"the warehouse is in use by another process (PID {os.getpid()})" in line
    assert build_info(snapshot) == before


def _open_when_free(path: Path):
    """A read-write connection, as soon as dbt's process has let the file go."""
    deadline = time.monotonic() + 30
    while True:
        try:
            return duckdb.connect(str(path))
        except duckdb.IOException:
            assert time.monotonic() < deadline
            time.sleep(0.05)


def test_a_disk_filling_while_publishing_is_one_line(published):
    build, _ = published
    snapshot = build / "warehouse.published.duckdb"
    before = build_info(snapshot)

    def small_files():  # the publish may write files of 256 kB at most
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024, 256 * 1024))

    env = {**os.environ, "LOYALTY_DB_PATH": str(build / "warehouse.duckdb")}
    refused = subprocess.run([LOYALTY, "publish"], env=env, cwd=ROOT, capture_output=True,
                             text=True, preexec_fn=small_files)  # fmt: skip
    assert refused.returncode == 1
    assert "(file too large)" in _not_published_line(refused.stdout + refused.stderr)
    assert build_info(snapshot) == before
    assert not list(build.glob(".warehouse.published.duckdb.*"))
    # a full disk says so in the same words
    full = OSError(errno.ENOSPC, "No space left on device")
    assert _why(full) == "no space left on device"


def test_postgresql_lost_at_the_swap_is_one_line(db, published, tmp_path):
    url, role = db
    build, _ = published
    snapshot = build / "warehouse.published.duckdb"
    manifest = build / "target" / "manifest.json"
    publish_postgres(snapshot, url, role=role, manifest=manifest)
    second = publish_duckdb(build / "warehouse.duckdb", tmp_path / "second.duckdb").path
    # a reader's transaction keeps the swap waiting; then the publisher's connection dies
    reader = connect(url_of(url, user=role))
    (orders,) = rows(reader, "select count(*) from marts.fct_orders")[0]
    env = {**os.environ, "LOYALTY_PUBLISHED_PATH": str(second),
           "DBT_TARGET_PATH": str(manifest.parent)}  # fmt: skip
    publishing = subprocess.Popen(
        [LOYALTY, "publish", "--postgres-only", "--postgres", url], env=env, cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    admin = connect(url)
    admin.adbc_connection.set_autocommit(True)
    try:
        deadline = time.monotonic() + 120
        while rows(admin, "select count(*) from pg_tables where schemaname = $1",
                   (LOADING,))[0][0] < 22:  # fmt: skip
            assert time.monotonic() < deadline and publishing.poll() is None
            time.sleep(0.05)
        time.sleep(1)  # loaded: the swap waits for the reader
        rows(admin, "select pg_terminate_backend(pid) from pg_stat_activity where "
                    "datname = current_database() and pid <> pg_backend_pid() "
                    "and usename <> $1", (role,))  # fmt: skip
        output, _ = publishing.communicate(timeout=120)
    finally:
        if publishing.poll() is None:
            os.killpg(publishing.pid, signal.SIGKILL)
        admin.close()
    assert publishing.returncode == 1 and "Traceback" not in output, output
    (line,) = [line for line in output.splitlines() if line.startswith("Not published")]
    assert line.startswith(f"Not published to PostgreSQL (swapping {LOADING} in for marts failed")
    reader.commit()
    assert rows(reader, "select count(*) from marts.fct_orders")[0][0] == orders
    reader.close()
