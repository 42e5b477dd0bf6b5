"""The raw tables' rows, built from the simulated arrays.

Column names and order come from ``contract.RAW_TABLES``: the generator writes
exactly the columns the contract describes. Ids are fixed width (C0000042), numbered
in the order the rows are written: customers by sign-up, the others by time.
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from loyalty_warehouse.contract import ORDER_STATUSES, RAW_TABLES

from .parameters import CHANNELS, COMMENTS, COUNTRY_SHARES, SURVEY_SHARES

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
}
# low-cardinality text, worth a dictionary in parquet
DICTIONARY_COLUMNS = ["status", "country_code", "acquisition_channel", "survey_type", "comment"]


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
    seconds = np.floor(days * 86400).astype(np.int64)
    return pa.array(base + seconds.astype("timedelta64[s]"), TIMESTAMP)


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


def orders(start: date, first_number: int, width: int, cust: tuple, events) -> pa.Table:
    """Orders numbered from ``first_number``; ``cust`` is (rank, width) of customer ids."""
    rank, cust_width = cust
    n = events["owner"].size
    return _table(
        "orders",
        {
            "order_id": ids("O", np.arange(first_number, first_number + n), width),
            "customer_id": ids("C", rank[events["owner"]] + 1, cust_width),
            "ordered_at": timestamps(start, events["time"]),
            "status": pa.array(np.array(ORDER_STATUSES)[events["status"]]),
            "revenue": pa.array(events["revenue"]),
            "cost": pa.array(events["cost"]),
        },
    )


def survey_responses(start: date, first_number: int, width: int, cust: tuple, events) -> pa.Table:
    rank, cust_width = cust
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
                ids("C", rank[events["owner"]] + 1, cust_width), ~events["anonymous"]
            ),
            "survey_type": pa.array(np.array(list(SURVEY_SHARES))[events["kind"]]),
            "score": pa.array(events["score"], pa.int64()),
            "responded_at": timestamps(start, events["time"]),
            "comment": pa.array(comments, pa.string()),
        },
    )


def referral_offers(start: date, first_number: int, width: int, cust: tuple, events) -> pa.Table:
    rank, cust_width = cust
    n = events["owner"].size
    shared = events["shared"]
    return _table(
        "referral_offers",
        {
            "offer_id": ids("F", np.arange(first_number, first_number + n), width),
            "customer_id": ids("C", rank[events["owner"]] + 1, cust_width),
            "offered_at": timestamps(start, events["offered"]),
            "shared_at": masked(timestamps(start, np.nan_to_num(shared)), ~np.isnan(shared)),
        },
    )


EVENT_TABLES = {
    "orders": orders,
    "survey_responses": survey_responses,
    "referral_offers": referral_offers,
}
# the time each event table is sorted by, and the secondary key of orders
SORT_TIME = {"orders": "time", "survey_responses": "time", "referral_offers": "offered"}
