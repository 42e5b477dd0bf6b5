"""Publish the snapshot's marts into PostgreSQL, for BI tools that speak its protocol.

`loyalty publish --postgres URL` (or `loyalty build --postgres URL`, or
LOYALTY_PUBLISH_POSTGRES):

1. load every table of the published DuckDB snapshot's `marts` into a new schema
   (`marts__loading`), streamed as Arrow through ADBC's PostgreSQL driver, which
   bulk-loads with COPY; each table is created first with the snapshot's column types
   (decimal(18,2) stays numeric(18,2)), then gets its primary key (read off the data
   tests in dbt's manifest) and its table and column comments;
2. swap it with the old `marts` in one short transaction (rename the old one away,
   rename the new one to `marts`, grant the reader role), then drop the old one.

A reader never blocks a publish for long and never sees a mix: the swap locks the
old tables without waiting (NOWAIT) and retries while a reader's transaction still
holds one, and it also waits for transactions whose snapshot predates the load
(a REPEATABLE READ reader that has not read a mart yet would find the new tables
empty). So a reader's transaction reads the old snapshot throughout, and the next
one the new. A publish killed before the swap leaves the old `marts` as it was; the
next publish drops the half-loaded schema. The reader role (default
`loyalty_reader`) can use `marts` and select from its tables, nothing else: no
staging, no quarantine (never published: raw records hold personal data), no writes,
no temporary tables (the publish revokes TEMPORARY on the database from PUBLIC).
docs/dashboard-and-metrics.md shows how to point a BI tool at it.
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass
from pathlib import Path

from loyalty_warehouse.publish.marts import SCHEMA, comments, marts_tables, primary_keys

LOADING = f"{SCHEMA}__loading"
RETIRED = f"{SCHEMA}__retired"
READER_ROLE = "loyalty_reader"
# DuckDB types (information_schema spelling) -> PostgreSQL types
TYPES = {
    "VARCHAR": "text",
    "BIGINT": "bigint",
    "INTEGER": "integer",
    "SMALLINT": "smallint",
    "DOUBLE": "double precision",
    "FLOAT": "real",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
}


class PublishError(Exception):
    """A publish that could not be done; the message says why, in one line."""


@dataclass
class PostgresPublished:
    url: str
    tables: dict[str, int]
    seconds: float
    swap_waits: int

    def line(self) -> str:
        host = self.url.split("@")[-1]
        return (
            f"Published to PostgreSQL {host}: schema {SCHEMA}, {len(self.tables)} tables, "
            f"{sum(self.tables.values()):,} rows in {self.seconds:.1f} s; BI reads it as "
            f"role {READER_ROLE}"
        )


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def postgres_type(duckdb_type: str) -> str:
    if duckdb_type.startswith("DECIMAL"):
        return duckdb_type.replace("DECIMAL", "numeric")
    if duckdb_type not in TYPES:
        raise PublishError(f"no PostgreSQL type for the DuckDB type {duckdb_type}")
    return TYPES[duckdb_type]


def _columns(duck, table: str) -> list[tuple[str, str]]:
    return duck.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [SCHEMA, table],
    ).fetchall()


def _ensure_reader_role(cur, role: str) -> None:
    cur.execute("select 1 from pg_roles where rolname = $1", parameters=(role,))
    if not cur.fetchall():
        cur.execute(f"create role {_quote(role)} login")
    password = os.environ.get("LOYALTY_POSTGRES_READER_PASSWORD")
    if password:
        cur.execute(f"alter role {_quote(role)} password {_literal(password)}")
    # every role may create temporary tables through PUBLIC, the reader included:
    # the database's temporary tables are for the roles granted them by name
    cur.execute("select current_database()")
    database = _quote(cur.fetchall()[0][0])
    cur.execute(f"revoke temporary on database {database} from public")
    cur.execute(f"revoke temporary on database {database} from {_quote(role)}")


def _load(duck, conn, manifest: Path, progress) -> tuple[dict[str, int], int]:
    """Every mart into the loading schema, committed: ({table: rows}, the loading
    transaction's id)."""
    cur = conn.cursor()
    cur.execute(f"drop schema if exists {LOADING} cascade")
    cur.execute(f"drop schema if exists {RETIRED} cascade")
    cur.execute(f"create schema {LOADING}")
    keys = primary_keys(manifest)
    table_comments, column_comments = comments(duck, _catalog(duck))
    loaded = {}
    for table in marts_tables(duck, _catalog(duck)):
        columns = _columns(duck, table)
        name = f"{LOADING}.{_quote(table)}"
        typed = ", ".join(f"{_quote(c)} {postgres_type(t)}" for c, t in columns)
        cur.execute(f"create table {name} ({typed})")
        rows = duck.sql(f'select * from {SCHEMA}."{table}"')
        # to_arrow_reader from DuckDB 1.5 on, fetch_record_batch before (deprecated since)
        batches = getattr(rows, "to_arrow_reader", rows.fetch_record_batch)(100_000)
        loaded[table] = cur.adbc_ingest(table, batches, mode="append", db_schema_name=LOADING)
        if table in keys:
            cur.execute(f"alter table {name} add primary key ("
                        + ", ".join(_quote(c) for c in keys[table]) + ")")  # fmt: skip
        if table in table_comments:
            cur.execute(f"comment on table {name} is {_literal(table_comments[table])}")
        for column, _ in columns:
            if (table, column) in column_comments:
                cur.execute(f"comment on column {name}.{_quote(column)} is "
                            f"{_literal(column_comments[(table, column)])}")  # fmt: skip
        cur.execute(f"analyze {name}")
        if progress:
            progress(f"loaded {table} ({loaded[table]:,} rows)")
    # a snapshot that cannot see this load has an xmin at or before its id
    cur.execute("select txid_current() % 4294967296")
    load_xid = cur.fetchall()[0][0]
    conn.commit()
    return loaded, load_xid


def _catalog(duck) -> str:
    return duck.execute("select current_database()").fetchone()[0]


def _older_snapshots(cur, load_xid: int) -> int:
    """Other sessions whose snapshot was taken before the load committed."""
    cur.execute(
        "select count(*) from pg_stat_activity where pid <> pg_backend_pid() "
        "and backend_xmin is not null "
        "and backend_xmin::text::bigint <= $1",
        parameters=(load_xid,),
    )
    return cur.fetchall()[0][0]


def _swap(conn, role: str, load_xid: int, timeout_s: float) -> int:
    """Rename the loaded schema onto marts in one transaction; the retries it took."""
    cur = conn.cursor()
    deadline, waits = time.monotonic() + timeout_s, 0
    while True:
        try:
            if _older_snapshots(cur, load_xid) == 0:
                cur.execute("select 1 from pg_namespace where nspname = $1", parameters=(SCHEMA,))
                exists = bool(cur.fetchall())
                if exists:
                    cur.execute(
                        "select string_agg(format('%I.%I', schemaname, tablename), ', ') "
                        "from pg_tables where schemaname = $1",
                        parameters=(SCHEMA,),
                    )
                    tables = cur.fetchall()[0][0]
                    if tables:  # a reader's transaction holding one: try again shortly
                        cur.execute(f"lock table {tables} in access exclusive mode nowait")
                    cur.execute(f"alter schema {SCHEMA} rename to {RETIRED}")
                cur.execute(f"alter schema {LOADING} rename to {SCHEMA}")
                cur.execute(f"grant usage on schema {SCHEMA} to {_quote(role)}")
                cur.execute(f"grant select on all tables in schema {SCHEMA} to {_quote(role)}")
                conn.commit()
                break
            conn.rollback()
        except Exception as error:  # the lock was not free
            conn.rollback()
            if "lock" not in str(error).lower():
                raise
        waits += 1
        if time.monotonic() > deadline:
            raise PublishError(
                f"readers held {SCHEMA} for over {timeout_s:.0f} s (transactions still open "
                f"since before the load): the new snapshot is loaded in {LOADING}; publish "
                "again once they have ended"
            )
        time.sleep(0.2)
    cur.execute(f"drop schema if exists {RETIRED} cascade")
    conn.commit()
    return waits


def publish_postgres(
    snapshot: Path,
    url: str,
    role: str = READER_ROLE,
    manifest: Path | None = None,
    progress=None,
    swap_timeout_s: float = 600,
) -> PostgresPublished:
    """Load the snapshot's marts into PostgreSQL and swap them in; see the module."""
    import adbc_driver_postgresql.dbapi as pg
    import duckdb

    started = time.perf_counter()
    manifest = manifest or Path(os.environ.get("DBT_TARGET_PATH", "target")) / "manifest.json"
    try:
        conn = pg.connect(url)
    except Exception as error:
        raise PublishError(f"cannot connect to {url.split('@')[-1]}: "
                           f"{str(error).splitlines()[0]}") from None  # fmt: skip
    step = "loading the snapshot"
    try:
        with duckdb.connect(str(snapshot), read_only=True) as duck:
            cur = conn.cursor()
            _ensure_reader_role(cur, role)
            conn.commit()
            loaded, load_xid = _load(duck, conn, manifest, progress)
        step = f"swapping {LOADING} in for {SCHEMA}"
        waits = _swap(conn, role, load_xid, swap_timeout_s)
    except PublishError:
        raise
    except (pg.Error, duckdb.Error, OSError) as error:
        # the server gone, a disk full, a statement refused: the old marts stay (the
        # swap is one transaction); the error's first line says what happened
        raise PublishError(
            f"{step} failed, the readers' {SCHEMA} is as it was: {_first_line(error)}"
        ) from None
    finally:
        with contextlib.suppress(Exception):  # a lost connection cannot close cleanly
            conn.close()
    return PostgresPublished(url, loaded, time.perf_counter() - started, waits)


def _first_line(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__
