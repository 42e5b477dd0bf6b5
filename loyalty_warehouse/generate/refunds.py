"""Partial refunds of completed orders (docs/demo-data.md#money).

About PARTIAL_REFUND_SHARE of the completed orders get back part of their revenue, in
the order's currency and in cents: once, or twice for SECOND_REFUND_SHARE of them,
together REFUNDED_SHARE_OF_REVENUE of the revenue (always more than nothing and less
than all of it), REFUND_DELAY_DAYS after the order. A refund that would come on or
after the last day of the data is not written: the build's as-of date is the latest
order's date, and a refund after it would be in the future.

A refund names its order by a key until the orders are numbered: the block's number
and the order's index in the block (``OrderNumbers`` turns the keys into numbers).
"""

from __future__ import annotations

import numpy as np

from .money import COMPLETED
from .parameters import (
    PARTIAL_REFUND_SHARE,
    REFUND_DELAY_DAYS,
    REFUNDED_SHARE_OF_REVENUE,
    SECOND_REFUND_SHARE,
)


def refunds(rng, orders: dict[str, np.ndarray], end: float, block: int) -> dict[str, np.ndarray]:
    """The refunds of one block's orders (revenue in the order's currency); adds to
    ``orders`` its key and the number of refunds written for it."""
    n = orders["time"].size
    cents = np.rint(orders["revenue"] * 100).astype(np.int64)
    drawn = rng.random(n) < PARTIAL_REFUND_SHARE
    chosen = np.flatnonzero(drawn & (orders["status"] == COMPLETED) & (cents >= 3))
    m = chosen.size
    two = rng.random(m) < SECOND_REFUND_SHARE
    revenue = cents[chosen]
    total = np.floor(revenue * rng.uniform(*REFUNDED_SHARE_OF_REVENUE, m)).astype(np.int64)
    total = np.clip(total, 1 + two, revenue - 1)  # at least a cent each, below the revenue
    part = np.rint(total * rng.uniform(0.3, 0.7, m)).astype(np.int64)
    first = np.where(two, np.clip(part, 1, np.maximum(total - 1, 1)), total)
    delays = np.sort(rng.uniform(*REFUND_DELAY_DAYS, (m, 2)), axis=1)

    order = np.concatenate((chosen, chosen[two]))
    time = orders["time"][order] + np.concatenate((delays[:, 0], delays[two, 1]))
    amount = np.concatenate((first, (total - first)[two])) / 100
    keep = time < end - 1
    order, time, amount = order[keep], time[keep], amount[keep]
    written = np.bincount(order, minlength=n)
    orders["key"] = (np.int64(block) << 32) + np.arange(n, dtype=np.int64)
    orders["refunds"] = written.astype(np.int8)
    return {
        "owner": orders["owner"][order],
        "order_key": orders["key"][order],
        "time": time,
        "amount": amount,
        # for dirty rows: a refund above the revenue of an order refunded once
        "order_revenue": orders["revenue"][order],
        "single": written[order] == 1,
    }


class OrderNumbers:
    """The numbers given to refunded orders, looked up by their keys."""

    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, np.ndarray]] = []
        self.keys = self.numbers = np.empty(0, np.int64)

    def add(self, orders: dict[str, np.ndarray], first_number: int) -> None:
        """Orders of one bucket, in the order written from ``first_number``."""
        refunded = np.flatnonzero(orders["refunds"] > 0)
        self.parts.append((orders["key"][refunded], first_number + refunded))

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        if self.parts:
            keys_ = np.concatenate([self.keys, *(k for k, _ in self.parts)])
            numbers = np.concatenate([self.numbers, *(n for _, n in self.parts)])
            order = np.argsort(keys_)
            self.keys, self.numbers, self.parts = keys_[order], numbers[order], []
        at = np.minimum(np.searchsorted(self.keys, keys), max(self.keys.size - 1, 0))
        if keys.size and (self.keys.size == 0 or (self.keys[at] != keys).any()):
            raise ValueError("a refund names an order that was not written")
        return self.numbers[at]
