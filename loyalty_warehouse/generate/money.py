"""Money: the currencies orders are paid in, and the daily exchange rates.

The shop keeps its day in SHOP_TIMEZONE and reports in REPORTING_CURRENCY
(docs/demo-data.md#money). The simulated revenue and cost of an order are in the
reporting currency (the Gamma-Gamma truth); the order is written in its customer's
country's currency, divided by the rate of the order's day in the shop's time zone,
so a build whose reporting_timezone is the shop's converts back with the very rate
used.

The rate table comes from the seed alone (a random stream of its own), never from the
customers or the chunk size: one rate per currency other than the reporting one per
day, from a few days before the first order's local day to the last day of the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .parameters import (
    COUNTRY_CURRENCY,
    COUNTRY_SHARES,
    CURRENCIES,
    EXCHANGE_RATE_DAILY_SD,
    EXCHANGE_RATE_DECIMALS,
    EXCHANGE_RATE_LEAD_DAYS,
    EXCHANGE_RATE_LEVELS,
    EXCHANGE_RATE_REVERSION,
    SHOP_TIMEZONE,
    GeneratorConfig,
)

# the currency code (index into CURRENCIES) of each country (index into COUNTRY_SHARES)
COUNTRY_CURRENCY_CODE = np.array([CURRENCIES.index(COUNTRY_CURRENCY[c]) for c in COUNTRY_SHARES])
# the rate table's random stream, beside the blocks' [seed, block number]
RATE_STREAM = (0, 0, 0x5A7E)
STEP = 900  # seconds: the shop's UTC offset is looked up per quarter of an hour
COMPLETED = 0  # the status code of a completed order (ORDER_STATUSES)


@dataclass(frozen=True)
class Rates:
    """The rate table and the shop's clock, in days and seconds from the start date."""

    first_day: int  # the first rate date (days from the start date, negative)
    values: np.ndarray  # (currency code, day - first_day): 1.0 for the reporting currency
    offsets: np.ndarray  # the shop's UTC offset (seconds) per STEP from first_day

    @property
    def days(self) -> int:
        return self.values.shape[1]


def exchange_rates(cfg: GeneratorConfig) -> Rates:
    """The daily rates for ``cfg``: per currency, its level times exp(x), x a walk
    x[t] = (1 - k) x[t - 1] + N(0, sd) started from its long-run spread, rounded as
    written (the rates written are the ones that convert the orders)."""
    start = datetime(cfg.start_date.year, cfg.start_date.month, cfg.start_date.day, tzinfo=UTC)
    first_local = start.astimezone(ZoneInfo(SHOP_TIMEZONE)).date()
    first_day = (first_local - cfg.start_date).days - EXCHANGE_RATE_LEAD_DAYS
    days = cfg.days - first_day
    rng = np.random.default_rng([cfg.seed, *RATE_STREAM])
    keep = 1 - EXCHANGE_RATE_REVERSION
    steps = rng.normal(0.0, EXCHANGE_RATE_DAILY_SD, (len(EXCHANGE_RATE_LEVELS), days))
    walk = np.empty_like(steps)
    walk[:, 0] = steps[:, 0] / np.sqrt(1 - keep**2)
    for t in range(1, days):
        walk[:, t] = keep * walk[:, t - 1] + steps[:, t]
    levels = np.array(list(EXCHANGE_RATE_LEVELS.values()))[:, None]
    rates = np.round(levels * np.exp(walk), EXCHANGE_RATE_DECIMALS)
    values = np.vstack((np.ones((1, days)), rates))

    # the offset at each quarter hour from the first rate date to the day after the end
    epoch = int(start.timestamp())
    grid = epoch + np.arange(first_day * 86400, (cfg.days + 1) * 86400, STEP, dtype=np.int64)
    local = pc.local_timestamp(pa.array(grid, pa.timestamp("s", tz=SHOP_TIMEZONE)))
    offsets = local.cast(pa.int64()).to_numpy() - grid
    return Rates(first_day, values, offsets)


def seconds(days: np.ndarray) -> np.ndarray:
    """Times in days from the start date as the whole seconds written to the files."""
    return np.floor(days * 86400).astype(np.int64)


def local_days(rates: Rates, days: np.ndarray) -> np.ndarray:
    """The shop's calendar day (days from the start date) of times given in days from
    the start date (00:00 UTC), to the second as written."""
    utc = seconds(days)
    offset = rates.offsets[utc // STEP - rates.first_day * (86400 // STEP)]
    return (utc + offset) // 86400


def rate_of(rates: Rates, currency: np.ndarray, day: np.ndarray) -> np.ndarray:
    """The rate of each currency code on each shop day (days from the start date)."""
    return rates.values[currency, day - rates.first_day]


def in_currency(rates: Rates, orders: dict[str, np.ndarray], currency: np.ndarray) -> int:
    """Write the orders' revenue and cost in ``currency`` (codes) instead of the
    reporting currency, converted at the rate of each order's shop day; returns the
    completed orders' revenue in the reporting currency, in cents, before."""
    completed_cents = int(np.rint(orders["revenue"][orders["status"] == COMPLETED] * 100).sum())
    rate = rate_of(rates, currency, local_days(rates, orders["time"]))
    orders["revenue"] = np.round(orders["revenue"] / rate, 2)
    orders["cost"] = np.round(orders["cost"] / rate, 2)
    orders["currency"] = currency.astype(np.int8)
    return completed_cents
