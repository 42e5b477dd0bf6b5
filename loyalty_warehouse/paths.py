"""Where the warehouse files are, and the project's defaults: one place for each.

The working warehouse is the DuckDB file a build writes (LOYALTY_DB_PATH, default
warehouse.duckdb); the published snapshot is the file BI reads (LOYALTY_PUBLISHED_PATH,
default the working file's name with `.published` before `.duckdb`, beside it). The
`bi` target of profiles.yml computes the same default. DuckDB names a file's catalog
after the first dot-separated part of its name, so both files have the catalog the
semantic layer's SQL names (docs/dashboard-and-metrics.md).
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_WAREHOUSE = "warehouse.duckdb"
SUFFIX = ".duckdb"
PROJECT = Path(__file__).resolve().parents[1] / "dbt_project.yml"


def project_var(name: str):
    """A var's default as dbt_project.yml sets it (a build's --vars may override it)."""
    import yaml

    return yaml.safe_load(PROJECT.read_text())["vars"][name]


def warehouse_path() -> Path:
    """The working warehouse: LOYALTY_DB_PATH, default warehouse.duckdb."""
    return Path(os.environ.get("LOYALTY_DB_PATH", DEFAULT_WAREHOUSE))


def published_path(warehouse: Path | None = None) -> Path:
    """The published snapshot: LOYALTY_PUBLISHED_PATH, else beside the working
    warehouse, `warehouse.duckdb` -> `warehouse.published.duckdb`."""
    if "LOYALTY_PUBLISHED_PATH" in os.environ:
        return Path(os.environ["LOYALTY_PUBLISHED_PATH"])
    name = str(warehouse or warehouse_path())
    stem = name[: -len(SUFFIX)] if name.endswith(SUFFIX) else name
    return Path(stem + ".published" + SUFFIX)
