"""Read the published marts for the dashboard: read-only, one short connection per
query, and one plain sentence when the snapshot cannot be read. A build writes the
working warehouse and replaces the published file only when it passed, so a build
running meanwhile never locks the dashboard out."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from loyalty_warehouse import paths


class WarehouseUnavailable(Exception):
    """The warehouse is missing, empty or locked; the message says what to do."""


def warehouse_path() -> Path:
    """The published snapshot (loyalty_warehouse.paths)."""
    return paths.published_path()


def query(sql: str, params: list | None = None, path: Path | None = None) -> pd.DataFrame:
    """Run one read-only query; WarehouseUnavailable when the file cannot be read."""
    path = path or warehouse_path()
    if not path.exists():
        raise WarehouseUnavailable(
            f"No published warehouse at {path}: build it with `make build` (or set "
            "LOYALTY_PUBLISHED_PATH)."
        )
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            return con.execute(sql, params or []).df()
    except duckdb.IOException as error:
        if "lock" in str(error).lower():
            raise WarehouseUnavailable(
                f"The warehouse {path} is locked by another process that writes it: BI "
                "reads the published snapshot, which only `loyalty build` replaces; point "
                "LOYALTY_PUBLISHED_PATH at it and reload."
            ) from error
        raise WarehouseUnavailable(f"The warehouse {path} cannot be read: {error}") from error
    except duckdb.CatalogException as error:
        raise WarehouseUnavailable(
            f"The warehouse {path} has no marts yet (`{str(error).splitlines()[0]}`): "
            "run `make build`."
        ) from error


def build_facts(path: Path | None = None) -> dict:
    """What the snapshot is as of, and the currency its money is in (marts.build_info)."""
    row = query("select as_of_date, reporting_currency from marts.build_info", path=path)
    return {"as_of_date": pd.Timestamp(row.as_of_date[0]).date(),
            "currency": row.reporting_currency[0]}  # fmt: skip


def check(path: Path | None = None) -> None:
    """Raise WarehouseUnavailable unless the marts exist and hold customers."""
    customers = query("select count(*) as n from marts.dim_customers", path=path)["n"][0]
    if customers == 0:
        raise WarehouseUnavailable(
            f"The warehouse {path or warehouse_path()} is empty: its raw data had no "
            "customers. Point LOYALTY_RAW_DIR at your exports and run `make build`."
        )
