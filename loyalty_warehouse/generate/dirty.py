"""Dirty rows: every quarantine reason of the raw contract, injected on purpose.

Each reason has a small function below that spoils one row in place, the way a real
export goes wrong; ``INJECTORS`` maps the reason to it. ``corrupt`` picks, in one group
of rows, about ``rate`` of the rows for each reason of the table (disjoint rows, one
reason each, the reasons of ``contract.QUARANTINE_REASONS``) and a further ``rate``
of untouched rows to repeat at the end of the file as duplicates. ``malformed_row``
applies to CSV files only: such a row is written with a field too many or too few.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from loyalty_warehouse.contract import QUARANTINE_REASONS, RAW_TABLES

INVALID_TIMESTAMPS = ["not a date", "2024-02-30 10:00:00", "31/12/2024", "yesterday"]
INVALID_STATUSES = ["shipped", "complete", "done", "unknown"]
INVALID_AMOUNTS = ["12,50", "abc", "N/A", "1e40", "1_000"]
IMPLAUSIBLE_TIMESTAMPS = ["1900-01-01 00:00:00", "0001-01-01 00:00:00", "1970-01-01 00:00:00"]
UNKNOWN_SURVEY_TYPES = ["promoter", "nps2", "csat5", "rating"]
TOO_HIGH_SCORES = {"nps": "11", "csat": "6", "ces": "8"}
TIMESTAMP_COLUMNS = {
    "customers": "signed_up_at",
    "orders": "ordered_at",
    "survey_responses": "responded_at",
    "referral_offers": "offered_at",
}

Columns = dict[str, np.ndarray]  # a group of rows as text, column by column
Injector = Callable[[str, Columns, int, int, np.random.Generator], None]


# ------------------------------------------------------------------ injectors
# Each takes the table's name, its text columns, the row to spoil, the row's 1-based
# position in the file (to vary the kind of damage) and the group's random stream.


def missing_id(table, cols, i, position, rng):
    """The id is missing: empty, or only spaces."""
    cols[RAW_TABLES[table].id_column][i] = None if position % 2 == 0 else "  "


def invalid_timestamp(table, cols, i, position, rng):
    """The row's time is not a timestamp (or not a real day)."""
    cols[TIMESTAMP_COLUMNS[table]][i] = INVALID_TIMESTAMPS[position % len(INVALID_TIMESTAMPS)]


def implausible_timestamp(table, cols, i, position, rng):
    """The row's time is a placeholder long before the shop existed (1900, year 1,
    the Unix epoch)."""
    cols[TIMESTAMP_COLUMNS[table]][i] = IMPLAUSIBLE_TIMESTAMPS[
        position % len(IMPLAUSIBLE_TIMESTAMPS)
    ]


def future_timestamp(table, cols, i, position, rng):
    """The row's time is in 2099 (a clock or a typing error)."""
    month, day = rng.integers(1, 13), rng.integers(1, 29)
    cols[TIMESTAMP_COLUMNS[table]][i] = f"2099-{month:02d}-{day:02d} 12:00:00"
    if table == "referral_offers":
        cols["shared_at"][i] = None  # else it would also be shared before offered


def unknown_customer(table, cols, i, position, rng):
    """The row names a customer that is not in the customers file."""
    cols["customer_id"][i] = f"X{rng.integers(0, 10**7):07d}"


def invalid_status(table, cols, i, position, rng):
    """The order's status is not one the contract knows."""
    cols["status"][i] = INVALID_STATUSES[position % len(INVALID_STATUSES)]


def invalid_amount(table, cols, i, position, rng):
    """The revenue is not a number with a decimal point."""
    cols["revenue"][i] = INVALID_AMOUNTS[position % len(INVALID_AMOUNTS)]


def negative_amount(table, cols, i, position, rng):
    """The revenue is negative."""
    cols["revenue"][i] = f"-{float(cols['revenue'][i]) + 1:.2f}"


def unknown_survey_type(table, cols, i, position, rng):
    """The survey type is not nps, csat or ces."""
    cols["survey_type"][i] = UNKNOWN_SURVEY_TYPES[position % len(UNKNOWN_SURVEY_TYPES)]


def invalid_score(table, cols, i, position, rng):
    """The score is off the survey's scale, fractional or not a number."""
    too_high = TOO_HIGH_SCORES.get(cols["survey_type"][i], "99")
    cols["score"][i] = [too_high, "-1", "7.5", "ten"][position % 4]


def shared_before_offered(table, cols, i, position, rng):
    """The offer was shared two hours before it was shown."""
    offered = datetime.fromisoformat(cols["offered_at"][i])
    cols["shared_at"][i] = (offered - timedelta(hours=2)).isoformat(sep=" ")


def malformed_row(table, cols, i, position, rng):
    """Nothing to change in the fields: the writer writes the row with a field too
    many (an amount with a thousands separator) or too few (a row cut short)."""


INJECTORS: dict[str, Injector] = {
    f.__name__: f
    for f in (
        missing_id,
        invalid_timestamp,
        implausible_timestamp,
        future_timestamp,
        unknown_customer,
        invalid_status,
        invalid_amount,
        negative_amount,
        unknown_survey_type,
        invalid_score,
        shared_before_offered,
        malformed_row,
    )
}


def in_place_reasons(table: str, csv: bool) -> list[str]:
    """The reasons injected by spoiling a row where it is (duplicates come on top)."""
    return [
        r
        for r in QUARANTINE_REASONS[table]
        if r != "duplicate_id" and (csv or r != "malformed_row")
    ]


def max_rate(csv: bool) -> float:
    """The largest rate at which every table's reasons still fit in disjoint rows."""
    return 1 / max(len(in_place_reasons(t, csv)) + 1 for t in QUARANTINE_REASONS)


# ------------------------------------------------------------------ a group of rows


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


def corrupt(
    table: str,
    rows: pa.Table,
    first_position: int,
    rate: float,
    rng: np.random.Generator,
    csv: bool,
    eligible: np.ndarray | None = None,
) -> Corrupted:
    """Spoil about ``rate`` of ``rows`` per reason and pick duplicates among the rest.

    ``first_position`` is the 1-based position of the group's first row in the file;
    only ``eligible`` rows (all when None) are spoiled: customers whose id is used
    elsewhere stay intact, so no order or answer loses its customer.
    """
    cols = as_text(rows)
    n = rows.num_rows
    reasons = in_place_reasons(table, csv)
    eligible = np.ones(n, bool) if eligible is None else eligible
    share = eligible.mean() if n else 1.0
    # per reason, rate of all rows, drawn among the eligible ones
    p = min(rate / share, 1 / len(reasons)) if share > 0 else 0.0
    draw = np.where(eligible, rng.random(n), 1.0)
    reason_of = np.floor(draw / p).astype(np.int64) if p > 0 else np.full(n, len(reasons))
    out = Corrupted(cols)
    id_column = RAW_TABLES[table].id_column
    original_ids = cols[id_column].copy()
    for i in np.flatnonzero(reason_of < len(reasons)):
        reason = reasons[reason_of[i]]
        position = first_position + int(i)
        INJECTORS[reason](table, cols, int(i), position, rng)
        if reason == "malformed_row":
            out.malformed.append(int(i))
        record_id = None if reason == "missing_id" else original_ids[i]
        out.manifest.append((table, position, record_id, reason))

    untouched = reason_of >= len(reasons)
    untouched_share = untouched.mean() if n else 1.0
    p_duplicate = min(1.0, rate / untouched_share) if untouched_share > 0 else 0.0
    picked = untouched & (rng.random(n) < p_duplicate)
    for i in np.flatnonzero(picked):
        out.duplicates.append({c: v[i] for c, v in cols.items()})
    return out


def conflicting(table: str, row: dict[str, str | None], number: int) -> dict[str, str | None]:
    """Every other duplicate repeats the id with different content."""
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
