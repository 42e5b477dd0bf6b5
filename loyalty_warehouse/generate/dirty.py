"""Dirty rows: every quarantine reason of the raw contract, injected on purpose.

Each reason has a small function below that spoils one row in place, the way a real
export goes wrong; ``INJECTORS`` maps the reason to it. ``dirty_rows.corrupt`` picks,
in one group of rows, about ``rate`` of the rows for each reason of the table
(disjoint rows, one reason each, the reasons of ``contract.QUARANTINE_REASONS``) and a
further ``rate`` of untouched rows to repeat at the end of the file as duplicates.
``malformed_row`` applies to CSV files only: such a row is written with a field too
many or too few.

Each spoiled row must have that one problem and no other, and must not spoil other
rows: the build's quarantine then lists exactly the rows of the manifest.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import numpy as np

from loyalty_warehouse.contract import QUARANTINE_REASONS, RAW_TABLES

INVALID_TIMESTAMPS = ["not a date", "2024-02-30 10:00:00", "31/12/2024", "yesterday"]
INVALID_DATES = ["not a date", "2024-02-30", "31/12/2024", "yesterday"]
INVALID_STATUSES = ["shipped", "complete", "done", "unknown"]
INVALID_AMOUNTS = ["12,50", "abc", "N/A", "1e40", "1_000"]
ZERO_AMOUNTS = ["0", "0.00"]  # refused where an amount must be positive
IMPLAUSIBLE_TIMESTAMPS = ["1900-01-01 00:00:00", "0001-01-01 00:00:00", "1970-01-01 00:00:00"]
UNKNOWN_SURVEY_TYPES = ["promoter", "nps2", "csat5", "rating"]
TOO_HIGH_SCORES = {"nps": "11", "csat": "6", "ces": "8"}
# not ISO 4217 codes, though staging trims and upper-cases ("eur" is fine)
INVALID_CURRENCIES = {"USD": "US$", "EUR": "EURO", "GBP": "UKP", "CAD": "CAN$", "AUD": "A$"}
# ISO 4217 codes with no exchange rates
UNRATED_CURRENCIES = ["CHF", "SEK", "nok"]
TIMESTAMP_COLUMNS = {
    "customers": "signed_up_at",
    "orders": "ordered_at",
    "survey_responses": "responded_at",
    "referral_offers": "offered_at",
    "refunds": "refunded_at",
    "exchange_rates": "rate_date",
}
AMOUNT_COLUMNS = {"orders": "revenue", "refunds": "amount", "exchange_rates": "rate_to_reporting"}

Columns = dict[str, np.ndarray]  # a group of rows as text, column by column
Injector = Callable[[str, Columns, int, int, np.random.Generator], None]


# ------------------------------------------------------------------ injectors
# Each takes the table's name, its text columns, the row to spoil, the row's 1-based
# position in the file (to vary the kind of damage) and the group's random stream.


def missing_id(table, cols, i, position, rng):
    """The id is missing: empty, or only spaces (an exchange rate's currency, or its
    date)."""
    if table == "exchange_rates" and position % 3 == 2:
        cols["rate_date"][i] = None
        return
    cols[RAW_TABLES[table].id_column][i] = None if position % 2 == 0 else "  "


def invalid_timestamp(table, cols, i, position, rng):
    """The row's time is not a timestamp (or not a real day)."""
    values = INVALID_DATES if table == "exchange_rates" else INVALID_TIMESTAMPS
    cols[TIMESTAMP_COLUMNS[table]][i] = values[position % len(values)]


def implausible_timestamp(table, cols, i, position, rng):
    """The row's time is a placeholder long before the shop existed (1900, year 1,
    the Unix epoch). An exchange rate gets a day of its own in the 1900s, so that no
    two rows of a currency share one (which would be a duplicate too)."""
    if table == "exchange_rates":
        cols["rate_date"][i] = (date(1900, 1, 1) + timedelta(days=position % 30_000)).isoformat()
        return
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


def unknown_order(table, cols, i, position, rng):
    """The refund names an order that is not in the orders file."""
    cols["order_id"][i] = f"X{rng.integers(0, 10**7):07d}"


def invalid_amount(table, cols, i, position, rng):
    """The amount (an order's revenue) is not a number with a decimal point; a
    refund's amount or a rate is also refused when zero."""
    values = INVALID_AMOUNTS + (ZERO_AMOUNTS if table != "orders" else [])
    cols[AMOUNT_COLUMNS[table]][i] = values[position % len(values)]


def negative_amount(table, cols, i, position, rng):
    """The amount (an order's revenue) is negative."""
    column = AMOUNT_COLUMNS[table]
    cols[column][i] = f"-{float(cols[column][i]) + 1:.2f}"


def invalid_currency(table, cols, i, position, rng):
    """The currency is not an ISO 4217 code (a symbol, a name, an old code)."""
    codes = list(INVALID_CURRENCIES.values())
    if table == "exchange_rates":  # one per currency: no two rows of a date alike
        cols["currency"][i] = INVALID_CURRENCIES[cols["currency"][i]]
    else:
        cols["currency"][i] = codes[position % len(codes)]


def no_exchange_rate(table, cols, i, position, rng):
    """The order is paid in a real currency the rate table does not have."""
    cols["currency"][i] = UNRATED_CURRENCIES[position % len(UNRATED_CURRENCIES)]


def refund_exceeds_revenue(table, cols, i, position, rng):
    """The only refund of an order is larger than the order's revenue."""
    revenue = float(cols["order_revenue"][i])
    cols["amount"][i] = f"{revenue + max(1.0, round(revenue / 2, 2)):.2f}"


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
        unknown_order,
        invalid_status,
        invalid_amount,
        negative_amount,
        invalid_currency,
        no_exchange_rate,
        refund_exceeds_revenue,
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
