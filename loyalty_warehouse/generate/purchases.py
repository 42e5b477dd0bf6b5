"""The purchase process: sign-ups, BG/NBD repeat purchases, Gamma-Gamma spend, orders.

A cohort is a set of customers with their completed transactions; `orders` turns the
transactions into the orders of the raw export (split payments, cancelled, refunded
and pending orders on top).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special

from .parameters import (
    BG_NBD_TRUTH,
    CHANNELS,
    EXTRA_ORDER_SHARE,
    GAMMA_GAMMA_TRUTH,
    PENDING_DAYS,
    PROSPECT_CANCELLED_SHARE,
    PURCHASER_SHARE,
    REFUNDED_SHARE_OF_EXTRA,
    SAME_DAY_FIRST_PURCHASE,
    SATISFACTION_DROPOUT_CORRELATION,
    SIGNUP_GROWTH,
    SPLIT_ORDER_SHARE,
    TIME_UNIT_DAYS,
    GeneratorConfig,
)


class SeasonalClock:
    """Maps calendar days to "operational" days and back.

    Purchase intensity is s(t) = 1 + A cos(2 pi (t - peak) / 365.25); operational time
    is its integral, so a homogeneous process in operational time has the seasonal
    intensity in calendar time, and averages one operational day per calendar day.
    """

    def __init__(self, days: int, amplitude: float, peak_offset: float):
        self.amplitude = amplitude
        self.peak_offset = peak_offset
        self._grid = np.linspace(0.0, days + 1.0, (days + 1) * 48 + 1)
        self._op = self.to_operational(self._grid)

    def to_operational(self, t: np.ndarray) -> np.ndarray:
        w = 2 * np.pi / 365.25
        a = self.amplitude
        return t + a / w * (np.sin(w * (t - self.peak_offset)) - np.sin(w * -self.peak_offset))

    def to_calendar(self, op: np.ndarray) -> np.ndarray:
        return np.interp(op, self._op, self._grid)


def beta_from_copula(rng, a, b, satisfaction, rho):
    """p ~ Beta(a, b) exactly, but negatively tied to satisfaction."""
    noise = rng.standard_normal(len(satisfaction))
    latent = -rho * satisfaction + math.sqrt(1 - rho**2) * noise
    u = special.ndtr(latent)
    return special.betaincinv(a, b, np.clip(u, 1e-12, 1 - 1e-12))


def simulate_bg_nbd(rng, lam, p, horizon):
    """Repeat purchase times of a BG/NBD process, as fractions of each horizon.

    While alive a customer buys as a Poisson process of rate ``lam`` (per unit of
    ``horizon``); after each repeat purchase she drops out with probability ``p``
    (Fader, Hardie and Lee 2005, assumptions (i)-(v)). The number of purchases is
    min(K, D), K ~ Poisson(lam * horizon) the purchases of an immortal customer and
    D ~ Geometric(p) the purchase after which she drops out; given K, the purchase
    times are uniform order statistics, U_(j) = S_j / S_(K+1) with S the partial sums
    of iid Exp(1), so only the first min(K, D) spacings are drawn.

    Returns (owner index, fraction of horizon) for every repeat purchase, sorted by
    owner then time, and the number of repeat purchases per customer.
    """
    k = rng.poisson(lam * horizon)
    d = rng.geometric(np.clip(p, 1e-9, 1.0))
    n = np.minimum(k, d)
    owner = np.repeat(np.arange(len(n)), n)
    spacings = rng.standard_exponential(owner.size)
    csum = np.cumsum(spacings)
    starts = np.concatenate(([0], np.cumsum(n)[:-1]))
    offset = np.concatenate(([0.0], csum))[starts]
    partial = csum - np.repeat(offset, n)  # S_j within each customer
    s_n = np.zeros(len(n))
    has = n > 0
    s_n[has] = partial[np.cumsum(n)[has] - 1]
    total = s_n + rng.standard_gamma(np.maximum(k - n + 1, 1).astype(float))
    return owner, partial / np.repeat(total, n), n


@dataclass
class Cohort:
    """Customers and their completed transactions (times in calendar days)."""

    signup: np.ndarray
    channel: np.ndarray  # index into CHANNELS
    satisfaction: np.ndarray
    nu: np.ndarray  # Gamma-Gamma spend parameter
    purchaser: np.ndarray
    tx_owner: np.ndarray
    tx_time: np.ndarray
    tx_repeat: np.ndarray  # 0 for the first purchase, j for the j-th repeat
    tx_revenue: np.ndarray


def simulate_cohort(rng, cfg: GeneratorConfig, clock: SeasonalClock, signup, channel) -> Cohort:
    """Customers signed up at ``signup`` (days) in ``channel``: their latent traits and
    completed transactions."""
    m = len(signup)
    end = float(cfg.days)
    satisfaction = rng.standard_normal(m)
    gg = GAMMA_GAMMA_TRUTH
    nu = rng.gamma(gg["q"], 1.0 / gg["gamma"], m)
    lam = np.empty(m)
    p = np.empty(m)
    for code, name in enumerate(CHANNELS):
        idx = np.flatnonzero(channel == code)
        if idx.size == 0:
            continue
        t = BG_NBD_TRUTH[name]
        lam[idx] = rng.gamma(t["r"], 1.0 / t["alpha"], idx.size)
        p[idx] = beta_from_copula(
            rng, t["a"], t["b"], satisfaction[idx], SATISFACTION_DROPOUT_CORRELATION
        )
    same_day = rng.random(m) < SAME_DAY_FIRST_PURCHASE
    delay = np.where(
        same_day,
        rng.uniform(0.01, 0.1, m),
        rng.exponential(5.0, m),
    )
    first = signup + delay
    purchaser = (rng.random(m) < PURCHASER_SHARE) & (first < end)
    buyers = np.flatnonzero(purchaser)

    op_first = clock.to_operational(first[buyers])
    op_end = clock.to_operational(np.array([end]))[0]
    horizon_weeks = (op_end - op_first) / TIME_UNIT_DAYS
    owner_local, frac, _ = simulate_bg_nbd(rng, lam[buyers], p[buyers], horizon_weeks)
    repeat_op = op_first[owner_local] + frac * (op_end - op_first)[owner_local]
    repeat_time = np.minimum(clock.to_calendar(repeat_op), end - 1e-6)
    # the repeat index j within each customer (arrays are grouped and sorted)
    counts = np.bincount(owner_local, minlength=buyers.size)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    repeat_index = np.arange(owner_local.size) - np.repeat(starts, counts) + 1

    tx_owner = np.concatenate((buyers, buyers[owner_local]))
    tx_time = np.concatenate((first[buyers], repeat_time))
    tx_repeat = np.concatenate((np.zeros(buyers.size, dtype=np.int64), repeat_index))
    tx_revenue = np.round(rng.gamma(gg["p"], 1.0 / nu[tx_owner]), 2)
    return Cohort(
        signup, channel, satisfaction, nu, purchaser, tx_owner, tx_time, tx_repeat, tx_revenue
    )


def signup_days(rng, cfg: GeneratorConfig, n: int) -> np.ndarray:
    """Sign-up times (days from the start) growing over the years, peaking yearly."""
    d = np.arange(cfg.days, dtype=float)
    peak = cfg.season_peak
    weights = (1 + SIGNUP_GROWTH * d / cfg.days) * (
        1 + cfg.seasonality * np.cos(2 * np.pi * (d - peak) / 365.25)
    )
    cdf = np.cumsum(weights) / weights.sum()
    day = np.searchsorted(cdf, rng.random(n), side="right")
    return np.minimum(day, cfg.days - 1) + rng.random(n)


def concat_cohorts(a: Cohort, b: Cohort) -> Cohort:
    """One cohort of a's customers then b's."""
    shift = len(a.signup)
    return Cohort(
        *(
            np.concatenate((getattr(a, f), getattr(b, f)))
            for f in ("signup", "channel", "satisfaction", "nu", "purchaser")
        ),
        np.concatenate((a.tx_owner, b.tx_owner + shift)),
        *(
            np.concatenate((getattr(a, f), getattr(b, f)))
            for f in ("tx_time", "tx_repeat", "tx_revenue")
        ),
    )


def orders(rng, c: Cohort, end: float) -> dict[str, np.ndarray]:
    """The cohort's orders: each transaction completed (a few paid as two orders on one
    day), extra orders cancelled or refunded (pending in the last days), and a few
    prospects' cancelled orders. Status codes index ``ORDER_STATUSES``."""
    nt = c.tx_time.size
    # completed: every transaction, some paid as two orders on the same day
    split = rng.random(nt) < SPLIT_ORDER_SHARE
    share = rng.uniform(0.3, 0.7, int(split.sum()))
    first_part = c.tx_revenue.copy()
    first_part[split] = np.round(c.tx_revenue[split] * share, 2)
    second_part = np.round(c.tx_revenue[split] - first_part[split], 2)
    t_split = c.tx_time[split]
    day_end = np.floor(t_split) + 0.99998
    t_second = np.minimum(t_split + rng.uniform(0, 30, t_split.size) / 1440, day_end)
    # extras that never became purchases
    extra = rng.random(nt) < EXTRA_ORDER_SHARE
    t_extra = c.tx_time[extra] + rng.uniform(0, 2, int(extra.sum()))
    owner_extra = c.tx_owner[extra]
    prospects = np.flatnonzero(~c.purchaser)
    cancelled_by = prospects[rng.random(prospects.size) < PROSPECT_CANCELLED_SHARE]
    t_pc = c.signup[cancelled_by] + rng.uniform(0, 1, cancelled_by.size)
    owner_x = np.concatenate((owner_extra, cancelled_by))
    t_x = np.concatenate((t_extra, t_pc))
    from_prospect = np.concatenate(
        (np.zeros(owner_extra.size, bool), np.ones(cancelled_by.size, bool))
    )
    keep = t_x < end
    owner_x, t_x, from_prospect = owner_x[keep], t_x[keep], from_prospect[keep]
    rev_x = np.round(rng.gamma(GAMMA_GAMMA_TRUTH["p"], 1.0 / c.nu[owner_x]), 2)
    refunded = (rng.random(t_x.size) < REFUNDED_SHARE_OF_EXTRA) & ~from_prospect
    status_x = np.where(t_x >= end - PENDING_DAYS, 3, np.where(refunded, 2, 1))
    owner = np.concatenate((c.tx_owner, c.tx_owner[split], owner_x))
    time = np.concatenate((c.tx_time, t_second, t_x))
    revenue = np.concatenate((first_part, second_part, rev_x))
    status = np.concatenate((np.zeros(nt + t_second.size, dtype=np.int64), status_x))
    cost = np.round(revenue * rng.uniform(0.45, 0.75, revenue.size), 2)
    return {"owner": owner, "time": time, "status": status, "revenue": revenue, "cost": cost}
