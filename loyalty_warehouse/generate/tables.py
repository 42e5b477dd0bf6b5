"""The raw tables' rows, built from the simulated arrays.

Column names and order come from ``contract.RAW_TABLES``: the generator writes
exactly the columns the contract describes. Ids are fixed width (C0000042), numbered
in the order the rows are written: customers by sign-up, the others by time; the
exchange rates by date, then currency.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from loyalty_warehouse.contract import ORDER_STATUSES, RAW_TABLES

from .money import Rates, seconds
from .parameters import CHANNELS, COMMENTS, COUNTRY_SHARES, CURRENCIES, SURVEY_SHARES

TIMESTAMP = pa.timestamp("s")
SCHEMAS = {
    "customers": {
        "customer_id": pa.string(),
        "signed_up_at": TIMESTAMP,
        "email": pa.string(),
        "country_code": pa.string(),
        "acquisition_channel": pa.string(),
        "referred_by_customer_id": pa.string(),
    },
    "orders": {
        "order_id": pa.string(),
        "customer_id": pa.string(),
        "ordered_at": TIMESTAMP,
        "status": pa.string(),
        "revenue": pa.float64(),
        "cost": pa.float64(),
        "currency": pa.string(),
    },
    "survey_responses": {
        "response_id": pa.string(),
        "customer_id": pa.string(),
        "survey_type": pa.string(),
        "score": pa.int64(),
        "responded_at": TIMESTAMP,
        "comment": pa.string(),
    },
    "referral_offers": {
        "offer_id": pa.string(),
        "customer_id": pa.string(),
        "offered_at": TIMESTAMP,
        "shared_at": TIMESTAMP,
    },
    "refunds": {
        "refund_id": pa.string(),
        "order_id": pa.string(),
        "refunded_at": TIMESTAMP,
        "amount": pa.float64(),
    },
    "exchange_rates": {
        "rate_date": pa.date32(),
        "currency": pa.string(),
        "rate_to_reporting": pa.float64(),
    },
}
# low-cardinality text, worth a dictionary in parquet
DICTIONARY_COLUMNS = [
    "status", "country_code", "acquisition_channel", "survey_type", "comment", "currency"
]  # fmt: skip


@dataclass(frozen=True)
class Refs:
    """What rows need to name other rows: a customer's number - 1 by its key (rank),
    the widths of customer and order ids."""

    rank: np.ndarray
    customer_width: int
    order_width: int


def schema(table: str, text: bool = False) -> pa.Schema:
    """The table's schema, in the contract's column order; all text for dirty data."""
    types = SCHEMAS[table]
    return pa.schema([(c, pa.string() if text else types[c]) for c in RAW_TABLES[table].columns])


def ids(prefix: str, numbers: np.ndarray, width: int, suffix: str = "") -> pa.Array:
    """Fixed-width ids like C0000042, written digit by digit into one byte buffer
    (a few times faster than formatting strings, which counts for millions)."""
    numbers = np.asarray(numbers, dtype=np.int64)
    pre, suf = prefix.encode(), suffix.encode()
    size = len(pre) + width + len(suf)
    buf = np.empty((numbers.size, size), dtype=np.uint8)
    buf[:, : len(pre)] = np.frombuffer(pre, np.uint8)
    rest = numbers
    for k in range(width - 1, -1, -1):
        rest, digit = np.divmod(rest, 10)
        buf[:, len(pre) + k] = digit + ord("0")
    if suf:
        buf[:, len(pre) + width :] = np.frombuffer(suf, np.uint8)
    offsets = np.arange(0, (numbers.size + 1) * size, size, dtype=np.int32)
    return pa.StringArray.from_buffers(numbers.size, pa.py_buffer(offsets), pa.py_buffer(buf))


def id_width(n: int) -> int:
    return max(6, len(str(max(n, 1))))


def timestamps(start: date, days: np.ndarray) -> pa.Array:
    """Times given in days from the start date, to the second."""
    base = np.datetime64(datetime(start.year, start.month, start.day), "s")
    return pa.array(base + seconds(days).astype("timedelta64[s]"), TIMESTAMP)


def masked(values: pa.Array, keep: np.ndarray) -> pa.Array:
    return pc.if_else(pa.array(keep), values, pa.nulls(len(values), values.type))


def _table(name: str, columns: dict[str, pa.Array]) -> pa.Table:
    return pa.table({c: columns[c] for c in RAW_TABLES[name].columns}, schema=schema(name))


def customers(start: date, first_number: int, width: int, rank: np.ndarray, people) -> pa.Table:
    """Customers, numbered from ``first_number`` in sign-up order. ``people`` holds the
    customers' arrays in that order; ``rank`` maps a customer key to its number - 1."""
    numbers = np.arange(first_number, first_number + people["signup"].size)
    referrer = people["referrer"]
    return _table(
        "customers",
        {
            "customer_id": ids("C", numbers, width),
            "signed_up_at": timestamps(start, people["signup"]),
            "email": masked(ids("customer", numbers, width, "@example.com"), people["has_email"]),
            "country_code": pa.array(np.array(list(COUNTRY_SHARES))[people["country"]]),
            "acquisition_channel": pa.array(np.array(CHANNELS)[people["channel"]]),
            "referred_by_customer_id": masked(
                ids("C", rank[np.maximum(referrer, 0)] + 1, width), referrer >= 0
            ),
        },
    )


def orders(start: date, first_number: int, width: int, refs: Refs, events) -> pa.Table:
    """Orders numbered from ``first_number``."""
    n = events["owner"].size
    return _table(
        "orders",
        {
            "order_id": ids("O", np.arange(first_number, first_number + n), width),
            "customer_id": ids("C", refs.rank[events["owner"]] + 1, refs.customer_width),
            "ordered_at": timestamps(start, events["time"]),
            "status": pa.array(np.array(ORDER_STATUSES)[events["status"]]),
            "revenue": pa.array(events["revenue"]),
            "cost": pa.array(events["cost"]),
            "currency": pa.array(CURRENCIES).take(pa.array(events["currency"])),
        },
    )


def survey_responses(start: date, first_number: int, width: int, refs: Refs, events) -> pa.Table:
    n = events["owner"].size
    bands = ["detractor", "passive", "promoter"]
    pool = np.array([COMMENTS[b][i] for b in bands for i in range(4)], dtype=object)
    comments = pool[events["band"] * 4 + events["pick"]]
    comments[~events["with_comment"]] = None
    return _table(
        "survey_responses",
        {
            "response_id": ids("R", np.arange(first_number, first_number + n), width),
            "customer_id": masked(
                ids("C", refs.rank[events["owner"]] + 1, refs.customer_width),
                ~events["anonymous"],
            ),
            "survey_type": pa.array(np.array(list(SURVEY_SHARES))[events["kind"]]),
            "score": pa.array(events["score"], pa.int64()),
            "responded_at": timestamps(start, events["time"]),
            "comment": pa.array(comments, pa.string()),
        },
    )


def referral_offers(start: date, first_number: int, width: int, refs: Refs, events) -> pa.Table:
    n = events["owner"].size
    shared = events["shared"]
    return _table(
        "referral_offers",
        {
            "offer_id": ids("F", np.arange(first_number, first_number + n), width),
            "customer_id": ids("C", refs.rank[events["owner"]] + 1, refs.customer_width),
            "offered_at": timestamps(start, events["offered"]),
            "shared_at": masked(timestamps(start, np.nan_to_num(shared)), ~np.isnan(shared)),
        },
    )


def refunds(start: date, first_number: int, width: int, refs: Refs, events) -> pa.Table:
    """Refunds numbered from ``first_number``; ``order_number`` names their orders."""
    n = events["time"].size
    return _table(
        "refunds",
        {
            "refund_id": ids("RF", np.arange(first_number, first_number + n), width),
            "order_id": ids("O", events["order_number"], refs.order_width),
            "refunded_at": timestamps(start, events["time"]),
            "amount": pa.array(events["amount"]),
        },
    )


def exchange_rates(start: date, rates: Rates) -> pa.Table:
    """One row per day and currency other than the reporting one."""
    n = len(CURRENCIES) - 1
    dates = np.datetime64(start, "D") + np.arange(rates.first_day, rates.first_day + rates.days)
    return _table(
        "exchange_rates",
        {
            "rate_date": pa.array(np.repeat(dates, n), pa.date32()),
            "currency": pa.array(np.tile(np.array(CURRENCIES[1:]), rates.days)),
            "rate_to_reporting": pa.array(rates.values[1:].T.ravel()),
        },
    )


EVENT_TABLES = {
    "orders": orders,
    "survey_responses": survey_responses,
    "referral_offers": referral_offers,
    "refunds": refunds,
}
# the time each event table is sorted by, and the secondary key of orders
SORT_TIME = {
    "orders": "time", "survey_responses": "time", "referral_offers": "offered", "refunds": "time"
}  # fmt: skip


def dirty_context(name: str, events: dict[str, np.ndarray]) -> dict:
    """What ``dirty_rows.corrupt`` must know of an event table's rows: an order with
    refunds stays intact (its refunds would lose it); an order dated in 1900 is paid in
    the reporting currency (in another, it would have no rate either); a refund exceeds
    the revenue of an order refunded once only."""
    if name == "orders":
        return {
            "eligible": events["refunds"] == 0,
            "only": {"implausible_timestamp": events["currency"] == 0},  # code 0: USD
        }
    if name == "refunds":
        return {
            "only": {"refund_exceeds_revenue": events["single"]},
            "extra": {"order_revenue": events["order_revenue"]},
        }
    return {}
