"""The publish step of `loyalty build` after the bench's full build: the DuckDB
snapshot, then PostgreSQL when a server is at hand."""

from __future__ import annotations

import os

from loyalty_warehouse.bench.measure import Step
from loyalty_warehouse.bench.workspace import Workspace


def postgres_server(space: Workspace, throwaway: bool = True):
    """(URL, stop) of the PostgreSQL server to publish into: LOYALTY_BENCH_POSTGRES,
    else, when ``throwaway``, a throwaway one (publish/pg_server.py) when Debian's
    server is installed, else (None, None)."""
    if os.environ.get("LOYALTY_BENCH_POSTGRES"):
        return os.environ["LOYALTY_BENCH_POSTGRES"], lambda: None
    if not throwaway:
        return None, None
    from loyalty_warehouse.publish import pg_server

    if pg_server.binaries() is None:
        return None, None
    folder = space.folder / "postgres"
    return pg_server.start(folder), lambda: pg_server.stop(folder)


def bench(space: Workspace, repeat: int, steps: dict[str, Step], progress,
          throwaway_postgres: bool = True) -> None:  # fmt: skip
    """Times the DuckDB snapshot, then the PostgreSQL load into LOYALTY_BENCH_POSTGRES or,
    when ``throwaway_postgres``, into a throwaway server of the machine's own."""
    from loyalty_warehouse.publish import publish_duckdb

    published = space.folder / "warehouse.published.duckdb"
    step = steps["publish_duckdb"] = Step("publish: DuckDB snapshot (copy, rename)")
    for i in range(repeat):
        progress(f"publishing the DuckDB snapshot {i + 1}/{repeat}")
        step.seconds.append(publish_duckdb(space.db, published).seconds)
    url, stop = postgres_server(space, throwaway_postgres)
    if url is None:
        return
    from loyalty_warehouse.publish.postgres import publish_postgres

    step = steps["publish_postgres"] = Step("publish: PostgreSQL (load, keys, swap)")
    try:
        for i in range(repeat):
            progress(f"publishing into PostgreSQL {i + 1}/{repeat}")
            done = publish_postgres(published, url, manifest=space.target / "manifest.json")
            step.seconds.append(done.seconds)
            step.note = f"{sum(done.tables.values()):,} rows"
    finally:
        stop()
