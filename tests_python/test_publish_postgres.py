"""The published marts in PostgreSQL (loyalty_warehouse/publish/postgres.py), against
a real server: Debian's PostgreSQL, started by `.ci/run` (LOYALTY_TEST_POSTGRES) or by
these tests (loyalty_warehouse/publish/pg_server.py), on 127.0.0.1, each test module in a database
of its own (the fixtures `server` and `db` of conftest.py).

The published tables equal the DuckDB snapshot's marts, with their types, primary
keys and comments; the reader role reads every mart and nothing else; a reader's
long transaction sees one snapshot throughout a publish; a publish killed midway
leaves the old snapshot; publishing twice changes nothing."""

from __future__ import annotations

import hashlib
import hmac
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from conftest import ROOT, run_dbt
from loyalty_warehouse import generate as g
from loyalty_warehouse.publish import publish_duckdb
from loyalty_warehouse.publish.pg_server import connect, rows, url_of
from loyalty_warehouse.publish.postgres import LOADING, publish_postgres

pytestmark = pytest.mark.dbt

LOYALTY = str(Path(sys.executable).with_name("loyalty"))
EMAIL_KEY = "a-secret-of-the-shop-0123456789"


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory) -> tuple[Path, Path, Path]:
    """Two published DuckDB snapshots, A (a build, its e-mail hashes keyed with
    EMAIL_KEY) and B (A less a fifth of its orders and a later build time), and the
    build's manifest."""
    folder = tmp_path_factory.mktemp("pg_snapshots")
    g.write_raw(g.GeneratorConfig(customers=600, seed=13), folder / "raw")
    os.environ["LOYALTY_EMAIL_HASH_KEY"] = EMAIL_KEY
    try:
        built = run_dbt(folder / "raw", folder / "warehouse.duckdb")
    finally:
        del os.environ["LOYALTY_EMAIL_HASH_KEY"]
    assert built.returncode == 0, built.output
    a = publish_duckdb(built.db_path, folder / "a.duckdb").path
    b = folder / "b.duckdb"
    shutil.copyfile(a, b)
    with duckdb.connect(str(b)) as con:
        con.execute("delete from marts.fct_orders where hash(order_id) % 5 = 0")
        con.execute("update marts.build_info set built_at = built_at + interval 1 day")
    return a, b, folder / "target" / "manifest.json"


def publish(url: str, snapshot: Path, role: str, manifest: Path, **kw):
    return publish_postgres(snapshot, url, role=role, manifest=manifest, **kw)


def orders_and_build(conn) -> tuple[int, object]:
    (orders,) = rows(conn, "select count(*) from marts.fct_orders")[0]
    (built_at,) = rows(conn, "select built_at from marts.build_info")[0]
    return orders, built_at


def duck_counts(snapshot: Path) -> tuple[int, object]:
    with duckdb.connect(str(snapshot), read_only=True) as con:
        return (con.execute("select count(*) from marts.fct_orders").fetchone()[0],
                con.execute("select built_at from marts.build_info").fetchone()[0])  # fmt: skip


def test_published_tables_equal_the_duckdb_marts_with_types_keys_and_comments(db, snapshots):
    url, role = db
    a, _, manifest = snapshots
    done = publish(url, a, role, manifest)
    assert len(done.tables) >= 22
    conn = connect(url)
    duck = duckdb.connect(str(a), read_only=True)
    try:
        for table, count in done.tables.items():
            columns = duck.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'marts' and table_name = ? order by ordinal_position",
                [table],
            ).fetchall()
            cur = conn.cursor()
            cur.execute(f'select * from marts."{table}"')
            published = cur.fetch_arrow_table()  # noqa: F841 (read by DuckDB below)
            assert published.num_rows == count
            cast = ", ".join(f'cast("{c}" as {t}) as "{c}"' for c, t in columns)
            names = ", ".join(f'"{c}"' for c, _ in columns)
            different = duck.execute(
                f"select count(*) from ((select {cast} from published except all "
                f'select {names} from marts."{table}") union all (select {names} from '
                f'marts."{table}" except all select {cast} from published))'
            ).fetchone()[0]
            assert different == 0, table
            assert duck.execute(f'select count(*) from marts."{table}"').fetchone()[0] == count
        # types: money keeps its precision and scale, timestamps and dates their kind
        types = dict(rows(conn, "select column_name, format_type(atttypid, atttypmod) from "
                                "pg_attribute join information_schema.columns on "
                                "attname = column_name and table_schema = 'marts' and "
                                "table_name = 'fct_orders' where attrelid = "
                                "'marts.fct_orders'::regclass and attnum > 0"))  # fmt: skip
        assert types["revenue"] == "numeric(18,2)"
        assert types["ordered_at"] == "timestamp without time zone"
        assert types["ordered_date"] == "date" and types["is_purchase"] == "boolean"
        keys = dict(rows(conn, "select conrelid::regclass::text, pg_get_constraintdef(oid) "
                               "from pg_constraint where contype = 'p' and connamespace = "
                               "'marts'::regnamespace"))  # fmt: skip
        assert keys["marts.fct_orders"] == "PRIMARY KEY (order_id)"
        assert keys["marts.fct_customer_months"] == "PRIMARY KEY (customer_id, month_start_date)"
        assert set(keys) == {f"marts.{table}" for table in done.tables}
        (comment,) = rows(conn, "select col_description('marts.dim_customers'::regclass, "
                                "(select attnum from pg_attribute where attrelid = "
                                "'marts.dim_customers'::regclass and attname = "
                                "'email_sha256')::int)")[0]  # fmt: skip
        assert comment.startswith("HMAC-SHA256 of the trimmed")
        assert rows(conn, "select obj_description('marts.fct_orders'::regclass)")[0][0]
    finally:
        conn.close()
        duck.close()


def test_the_reader_role_reads_the_marts_and_nothing_else(db, snapshots):
    url, role = db
    a, _, manifest = snapshots
    publish(url, a, role, manifest)
    admin = connect(url)
    cur = admin.cursor()
    cur.execute("create schema if not exists private")
    cur.execute("create table if not exists private.secrets as select 'raw email' as email")
    admin.commit()
    admin.close()
    reader = connect(url_of(url, user=role))
    reader.adbc_connection.set_autocommit(True)
    try:
        tables = [t for (t,) in rows(reader, "select tablename from pg_tables "
                                             "where schemaname = 'marts'")]  # fmt: skip
        assert len(tables) >= 22
        for table in tables:
            rows(reader, f'select count(*) from marts."{table}"')
        for forbidden in (
            "select * from private.secrets",
            "create table marts.mine (x int)",
            "create table public.mine (x int)",
            "create schema mine",
            "create temp table mine as select 1 as x",
            "create temporary table mine (x int)",
            "insert into marts.build_info (project_name) values ('x')",
            "update marts.dim_customers set status = 'x'",
            "delete from marts.fct_orders",
            "truncate marts.fct_orders",
            "drop table marts.fct_orders",
        ):
            with pytest.raises(Exception, match="(?i)permission denied|must be owner"):
                rows(reader, forbidden)
        assert rows(reader, "select count(*) from pg_namespace where nspname in "
                            "('staging', 'quarantine', 'raw')")[0][0] == 0  # fmt: skip
        # no personal data: no free text, and e-mail addresses only as a keyed hash,
        # which a list of addresses cannot be matched against without the key
        assert rows(reader, "select count(*), count(comment) "
                            "from marts.fct_survey_responses")[0][1] == 0  # fmt: skip
        hashes = dict(rows(reader, "select customer_id, email_sha256 from marts.dim_customers "
                                   "where email_sha256 is not null"))  # fmt: skip
        assert len(hashes) > 100
        for customer, hashed in list(hashes.items())[:50]:
            email = f"{customer.lower().replace('c', 'customer', 1)}@example.com".encode()
            assert hashed == hmac.new(EMAIL_KEY.encode(), email, hashlib.sha256).hexdigest()
            assert hashed != hashlib.sha256(email).hexdigest()
    finally:
        reader.close()


def test_a_long_reader_sees_one_snapshot_throughout_a_publish(db, snapshots):
    url, role = db
    a, b, manifest = snapshots
    publish(url, a, role, manifest)
    readers = []
    for _ in range(2):
        reader = connect(url_of(url, user=role))
        rows(reader, "set session characteristics as transaction isolation level repeatable read")
        reader.commit()  # the transactions from here on are repeatable read
        readers.append(reader)
    first, second = readers
    before = orders_and_build(first)  # one has read the marts ...
    rows(second, "select 1")  # ... the other holds a snapshot, nothing read yet
    assert before == duck_counts(a)

    result = {}
    thread = threading.Thread(target=lambda: result.update(done=publish(url, b, role, manifest)))
    thread.start()
    try:
        admin = connect(url)
        admin.adbc_connection.set_autocommit(True)
        deadline = time.monotonic() + 120
        while not rows(admin, "select 1 from pg_namespace where nspname = $1", (LOADING,)) or (
            rows(admin, "select count(*) from pg_tables where schemaname = $1", (LOADING,))[0][0]
            < 22
        ):
            assert time.monotonic() < deadline and thread.is_alive()
            time.sleep(0.05)
        time.sleep(2)  # loaded; the swap waits for the two readers
        assert thread.is_alive()
        assert orders_and_build(first) == before
        assert orders_and_build(second) == before
        first.commit()
        assert thread.is_alive()  # the second still holds its snapshot
        second.commit()
        thread.join(timeout=120)
        assert not thread.is_alive() and result["done"].swap_waits > 0
        assert orders_and_build(first) == duck_counts(b) != before
        admin.close()
    finally:
        for reader in readers:
            reader.close()
        thread.join(timeout=120)


def test_a_publish_killed_midway_leaves_the_old_snapshot(db, snapshots, tmp_path):
    url, role = db
    a, b, manifest = snapshots
    publish(url, a, role, manifest)
    # a reader's transaction keeps the swap waiting, so the kill comes after the load
    reader = connect(url_of(url, user=role))
    before = orders_and_build(reader)
    env = {**os.environ, "LOYALTY_PUBLISHED_PATH": str(b), "DBT_TARGET_PATH": str(manifest.parent)}
    publishing = subprocess.Popen(
        [LOYALTY, "publish", "--postgres-only", "--postgres", url],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    admin = connect(url)
    admin.adbc_connection.set_autocommit(True)
    try:
        deadline = time.monotonic() + 120
        while (rows(admin, "select count(*) from pg_tables where schemaname = $1",
                    (LOADING,))[0][0] < 22):  # fmt: skip
            assert time.monotonic() < deadline and publishing.poll() is None
            time.sleep(0.05)
        os.killpg(publishing.pid, signal.SIGKILL)
        publishing.wait(timeout=60)
        reader.commit()
        assert orders_and_build(reader) == before  # the old snapshot, whole
        reader.commit()
        done = publish(url, b, role, manifest)  # the next publish clears the half-done one
        assert orders_and_build(reader) == duck_counts(b)
        assert done.swap_waits == 0
    finally:
        reader.close()
        if publishing.poll() is None:
            os.killpg(publishing.pid, signal.SIGKILL)
    leftovers = rows(admin, "select nspname from pg_namespace where nspname like 'marts%'")
    admin.close()
    assert leftovers == [("marts",)]


def test_publishing_twice_changes_nothing(db, snapshots):
    url, role = db
    a, _, manifest = snapshots
    conn = connect(url)
    states = []
    for _ in range(2):
        publish(url, a, role, manifest)
        tables = [t for (t,) in rows(conn, "select tablename from pg_tables "
                                           "where schemaname = 'marts' order by 1")]  # fmt: skip
        counts = [rows(conn, f'select count(*) from marts."{t}"')[0][0] for t in tables]
        grants = rows(conn, "select table_name, privilege_type from "
                            "information_schema.role_table_grants where table_schema = 'marts' "
                            "and grantee = $1 order by 1", (role,))  # fmt: skip
        schemas = rows(conn, "select nspname from pg_namespace where nspname like 'marts%'")
        states.append((tables, counts, orders_and_build(conn), grants, schemas))
        conn.commit()
    conn.close()
    assert states[0] == states[1]
    tables, counts, _, grants, schemas = states[0]
    assert len(tables) >= 22 and sum(counts) > 1000
    assert grants == [(t, "SELECT") for t in tables] and schemas == [("marts",)]
