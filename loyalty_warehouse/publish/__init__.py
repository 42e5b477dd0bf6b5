"""Publishing a good build: the DuckDB snapshot BI reads, PostgreSQL, a throwaway server.

duckdb_snapshot.py audits the working warehouse and writes the snapshot; postgres.py
loads it into PostgreSQL; marts.py reads the marts' tables, keys and comments for both;
pg_server.py starts a throwaway PostgreSQL server for the tests, CI and the bench
(standard library only: `python3 loyalty_warehouse/publish/pg_server.py start FOLDER`).
"""

from loyalty_warehouse.publish.duckdb_snapshot import (
    Published,
    Snapshot,
    audit,
    project_commit,
    publish_duckdb,
    snapshot,
)

__all__ = ["Published", "Snapshot", "audit", "project_commit", "publish_duckdb", "snapshot"]
