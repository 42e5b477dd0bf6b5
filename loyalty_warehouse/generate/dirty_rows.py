"""A group of rows spoiled with the injectors of ``dirty.py``: which rows get which
reason, which are repeated as duplicates, how a malformed row is written."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from loyalty_warehouse.contract import RAW_TABLES

from .dirty import INJECTORS, Columns, in_place_reasons


@dataclass
class Corrupted:
    columns: Columns
    malformed: list[int] = field(default_factory=list)  # rows to write malformed
    manifest: list[tuple[str, int, str | None, str]] = field(default_factory=list)
    duplicates: list[dict[str, str | None]] = field(default_factory=list)


def as_text(table: pa.Table) -> Columns:
    """The table's columns as text, the way a CSV export writes them."""
    out = {}
    for name in table.column_names:
        col = table[name]
        if pa.types.is_timestamp(col.type):
            col = pc.strftime(col, "%Y-%m-%d %H:%M:%S")
        out[name] = col.cast(pa.string()).to_numpy(zero_copy_only=False).astype(object)
    return out


def record_id(table: str, row) -> str | None:
    """The id the manifest gives a row (a mapping of column to text): an exchange
    rate's is "<currency> <rate_date>"."""
    if table == "exchange_rates":
        return f"{row['currency']} {row['rate_date']}"
    return row[RAW_TABLES[table].id_column]


def pick(n, reasons, rate, eligible, only, rng) -> np.ndarray:
    """The reason (index into ``reasons``) of each of ``n`` rows, len(reasons) for an
    untouched row: per reason about ``rate * n`` rows, drawn among the eligible rows
    still untouched (and among ``only[reason]`` for a reason limited to some rows:
    those reasons are drawn first)."""
    reason_of = np.full(n, len(reasons))
    free = eligible.copy()
    for k in sorted(range(len(reasons)), key=lambda k: reasons[k] not in only):
        candidates = free & only[reasons[k]] if reasons[k] in only else free
        m = int(candidates.sum())
        if m == 0:
            continue
        picked = candidates & (rng.random(n) < rate * n / m)
        reason_of[picked] = k
        free &= ~picked
    return reason_of


def corrupt(
    table: str,
    rows: pa.Table,
    first_position: int,
    rate: float,
    rng: np.random.Generator,
    csv: bool,
    eligible: np.ndarray | None = None,
    only: dict[str, np.ndarray] | None = None,
    extra: dict[str, np.ndarray] | None = None,
) -> Corrupted:
    """Spoil about ``rate`` of ``rows`` per reason and pick duplicates among the rest.

    ``first_position`` is the 1-based position of the group's first row in the file.
    Only ``eligible`` rows (all when None) are spoiled or repeated: customers whose id
    is used elsewhere, orders with refunds and the first day's exchange rates stay
    intact, so nothing loses what it refers to. ``only`` limits a reason to some rows;
    ``extra`` holds facts the injectors need that are not written (a refund's order
    revenue).
    """
    cols = as_text(rows)
    n = rows.num_rows
    reasons = in_place_reasons(table, csv)
    eligible = np.ones(n, bool) if eligible is None else np.asarray(eligible, bool)
    reason_of = pick(n, reasons, rate, eligible, only or {}, rng)
    out = Corrupted(cols)
    view = {**cols, **(extra or {})}  # the same arrays: injectors spoil cols in place
    for i in np.flatnonzero(reason_of < len(reasons)):
        reason = reasons[reason_of[i]]
        position = first_position + int(i)
        INJECTORS[reason](table, view, int(i), position, rng)
        if reason == "malformed_row":
            out.malformed.append(int(i))
        row = {c: v[i] for c, v in cols.items()}
        out.manifest.append(
            (table, position, None if reason == "missing_id" else record_id(table, row), reason)
        )

    untouched = eligible & (reason_of >= len(reasons))
    m = int(untouched.sum())
    picked = untouched & (rng.random(n) < (rate * n / m if m else 0.0))
    for i in np.flatnonzero(picked):
        out.duplicates.append({c: v[i] for c, v in cols.items()})
    return out


def conflicting(table: str, row: dict[str, str | None], number: int) -> dict[str, str | None]:
    """Every other duplicate of an order or a customer repeats the id with different
    content; refunds and exchange rates are repeated as they are."""
    row = dict(row)
    if number % 2 == 0:
        if table == "orders":
            row["revenue"] = f"{float(row['revenue']) + 10:.2f}"
        elif table == "customers":
            row["email"] = "someone.else@example.com"
    return row


def malformed_line(table: str, row: dict[str, str | None]) -> str:
    """The CSV line of a malformed row: an order's revenue written with an unquoted
    thousands separator (a field too many); any other row cut short by its last field."""
    fields = {name: _quote(value) for name, value in row.items()}
    if table == "orders":
        fields["revenue"] = f"{1000 + float(row['revenue']):,.2f}"
        return ",".join(fields.values())
    return ",".join(list(fields.values())[:-1])


def _quote(value: str | None) -> str:
    if value is None:
        return ""
    if any(ch in value for ch in ',"\n\r') or value != value.strip():
        return '"' + value.replace('"', '""') + '"'
    return value
