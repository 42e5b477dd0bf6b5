"""Write, audit, publish: BI reads a snapshot of the marts that only a good build replaces.

`loyalty build` builds the working warehouse (dbt build), audits it (the data tests,
then `loyalty validate`) and only then publishes the `marts` schema:

- as a DuckDB file written whole beside the published one (`.<name>.<pid>.tmp`) and
  put in its place with one atomic rename, so a reader opens either the old file or
  the new one, and a reader that keeps its connection open goes on reading the old
  snapshot (its open file) until it reconnects;
- optionally into PostgreSQL (postgres.py, beside this module).

A build that fails, or is killed, never reaches the rename: the published file stays
as it was. The snapshot's `marts.build_info` says what it holds (as-of date, build
time, project commit). docs/dashboard-and-metrics.md describes it for BI users.
"""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from loyalty_warehouse.publish.marts import SCHEMA, comments, marts_tables, plain_comment

# the semantic layer's helpers (the var loyalty_semantic_schema): published beside the
# marts, where MetricFlow's `bi` target reads them, and never loaded into PostgreSQL
SEMANTIC_SCHEMA = "semantic"
# the snapshot's storage format: one a BI tool's DuckDB 1.0 or later can open (DuckDB 2
# writes its own format by default, which no 1.x release reads)
SNAPSHOT_STORAGE_VERSION = "v1.0.0"


@dataclass
class Published:
    path: Path
    tables: dict[str, int]  # table -> rows
    seconds: float


@dataclass
class Snapshot:
    """What a published file holds, from its marts.build_info."""

    path: Path
    as_of_date: object
    built_at: object
    project_commit: str

    def line(self) -> str:
        return (
            f"{self.path} (as of {self.as_of_date}, built {self.built_at:%Y-%m-%d %H:%M:%S} "
            f"UTC, commit {self.project_commit})"
        )


def project_commit(project_dir: Path) -> str:
    """The project's git commit, with '-dirty' when files differ from it; 'unknown'
    outside a git checkout (an installed package, say)."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=project_dir, check=True,
                              capture_output=True, text=True).stdout.strip()  # fmt: skip
        changed = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                                 cwd=project_dir, check=True, capture_output=True,
                                 text=True).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("-dirty" if changed else "")


def snapshot(path: Path) -> Snapshot | None:
    """The published snapshot at path, or None when there is none (or not readable)."""
    import duckdb

    if not path.exists():
        return None
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            row = con.execute(
                f"select as_of_date, built_at, project_commit from {SCHEMA}.build_info"
            ).fetchone()
    except duckdb.Error:
        return None
    return Snapshot(path, *row) if row else None


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def audit(warehouse: Path, published: Path) -> str | None:
    """Why the working warehouse's marts must not replace the published ones, as one
    line; None when they may. A required raw table the build read no row of (an empty
    or failed export), or a raw table that lost more than the build's
    publish_max_raw_drop_share of the rows the published build read (a re-export with
    a wrong filter), holds the publish back: the line names each such table with both
    counts, and ends with the var that accepts them all."""
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        loads = con.execute(
            f"select source_table, is_required, rows_read from {SCHEMA}.fct_raw_table_loads "
            "order by source_table"
        ).fetchall()
        (share,) = con.execute(
            f"select publish_max_raw_drop_share from {SCHEMA}.build_info"
        ).fetchone()
    before: dict[str, int] = {}
    if published.exists():
        with duckdb.connect(str(published), read_only=True) as con:
            found = con.execute(
                "select count(*) from information_schema.tables where table_schema = ? "
                "and table_name = 'fct_raw_table_loads'", [SCHEMA]
            ).fetchone()[0]  # fmt: skip
            if found:
                before = dict(con.execute(
                    f"select source_table, rows_read from {SCHEMA}.fct_raw_table_loads"
                ).fetchall())  # fmt: skip
    problems, drops = [], []
    for table, required, rows in loads:
        old = before.get(table, 0)
        if required and rows == 0 and share < 1:
            problems.append(
                f"the required raw table {table} has no rows (an empty or failed export"
                + (f"; the published build read {old:,}" if old else "")
                + ")"
            )
            drops.append(1.0)
        elif old and rows < old and (old - rows) / old > share:
            drop = (old - rows) / old
            problems.append(
                f"the raw table {table} has {rows:,} rows, {drop:.1%} fewer than the {old:,} "
                f"of the published build, more than publish_max_raw_drop_share ({share:g})"
            )
            drops.append(drop)
    if not problems:
        return None
    return (
        "; ".join(problems)
        + "; if that is right, build again with --vars '{publish_max_raw_drop_share: "
        + _share_accepting(max(drops))
        + "}'"
    )


def _share_accepting(drop: float) -> str:
    """The smallest share in hundredths that lets a drop through, as the var takes it."""
    import math

    return f"{min(math.ceil(drop * 100 + 1e-9) / 100, 1):g}"


def publish_duckdb(warehouse: Path, published: Path, progress=None) -> Published:
    """Copy the working warehouse's marts, with their comments, and the semantic
    layer's helpers (where MetricFlow's `bi` target reads them) into a new file and
    rename it onto the published one. The working warehouse is only read."""
    import duckdb

    started = time.perf_counter()
    published.parent.mkdir(parents=True, exist_ok=True)
    for stale in published.parent.glob(f".{published.name}.*.tmp*"):
        stale.unlink()  # a publish killed midway left it; it was never in place
    scratch = published.with_name(f".{published.name}.{os.getpid()}.tmp")
    copied = {}
    try:
        storage = {"storage_compatibility_version": SNAPSHOT_STORAGE_VERSION}
        with duckdb.connect(str(scratch), config=storage) as con:
            con.execute(f"attach {_literal(str(warehouse))} as working (read_only)")
            for schema in (SCHEMA, SEMANTIC_SCHEMA):
                tables = _copy_schema(con, schema, progress)
                if schema == SCHEMA:
                    copied = tables
            con.execute("detach working")
            con.execute("checkpoint")
        os.replace(scratch, published)  # the one step a reader can see
    finally:
        for left in (scratch, scratch.with_name(scratch.name + ".wal")):
            left.unlink(missing_ok=True)
    return Published(published, copied, time.perf_counter() - started)


def _copy_schema(con, schema: str, progress) -> dict[str, int]:
    """Every table and view of the attached working warehouse's schema as a table of
    the new file, with its comments made plain; {table: rows}."""
    con.execute(f"create schema {schema}")
    table_comments, column_comments = comments(con, "working", schema)
    copied = {}
    for table in marts_tables(con, "working", schema):
        name = f"{schema}.{_quote(table)}"
        con.execute(f"create table {name} as select * from working.{name}")
        copied[table] = con.execute(f"select count(*) from {name}").fetchone()[0]
        if table in table_comments:
            comment = plain_comment(table_comments[table])
            con.execute(f"comment on table {name} is {_literal(comment)}")
        if progress:
            progress(f"published {schema}.{table} ({copied[table]:,} rows)")
    for (table, column), comment in column_comments.items():
        if table in copied:
            con.execute(f"comment on column {schema}.{_quote(table)}.{_quote(column)} "
                        f"is {_literal(plain_comment(comment))}")  # fmt: skip
    return copied
