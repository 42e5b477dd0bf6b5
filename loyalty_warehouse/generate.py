"""Demo data generator (SPEC.md section 5).

Writes the four raw tables of the contract (SPEC.md section 2) for a shop whose
customers behave as the BTYD models assume, so every mart has a story to tell and the
fitted models can be checked against the truth (written to ``truth.json``):

- sign-ups grow over three years, with a peak every December;
- about a third of sign-ups never buy (prospects);
- purchasers make repeat purchases as a BG/NBD process (Fader, Hardie and Lee 2005)
  with known parameters per acquisition channel, in weeks of "operational time": the
  calendar is warped by a yearly season, so purchases also peak in December while the
  process itself stays exactly BG/NBD;
- each transaction's revenue follows the Gamma-Gamma model (known p, q, gamma);
  some transactions are split into two orders on one day, and some orders are
  cancelled, refunded or (in the last days) pending, on top of the process;
- a latent satisfaction per customer drives both the survey answers and the dropout
  probability (through a Gaussian copula, so p stays exactly Beta(a, b) per channel):
  detractors churn more;
- repeat buyers are shown referral offers, satisfied customers share more, and some
  shares bring a friend who signs up with ``referred_by_customer_id``.

``--dirty RATE`` then corrupts each table with every quarantine reason it can have,
each in about RATE of the rows (disjoint rows, one reason each), and writes
``dirty_manifest.csv``: one line per injected problem, naming the table, the row's
1-based position in the file, its id and the reason staging must give.

Everything is vectorised with numpy: a million customers take well under a minute.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from scipy import special

DEFAULT_END_DATE = date(2025, 12, 31)
DEFAULT_CUSTOMERS = 20_000
DEFAULT_SEED = 42
YEARS = 3
TIME_UNIT_DAYS = 7  # the BG/NBD parameters below are per week

# Acquisition channels of customers who were not referred, and their shares.
CHANNEL_SHARES = {"organic": 0.40, "paid_search": 0.28, "social": 0.18, "email": 0.14}
REFERRED_SHARE = 0.08  # of all customers: channel "referral", with a referrer
CHANNELS = (*CHANNEL_SHARES, "referral")

# BG/NBD: purchase rate lambda ~ Gamma(shape r, rate alpha) per week; dropout
# probability after each repeat purchase p ~ Beta(a, b).
BG_NBD_TRUTH = {
    "organic": {"r": 1.4, "alpha": 3.0, "a": 0.6, "b": 7.0},
    "paid_search": {"r": 1.1, "alpha": 3.0, "a": 0.8, "b": 5.0},
    "social": {"r": 0.9, "alpha": 3.0, "a": 0.9, "b": 4.0},
    "email": {"r": 1.6, "alpha": 3.0, "a": 0.6, "b": 8.0},
    "referral": {"r": 1.8, "alpha": 3.0, "a": 0.5, "b": 8.0},
}
# Gamma-Gamma: per-customer nu ~ Gamma(q, rate gamma); a transaction's value
# ~ Gamma(p, rate nu). Mean spend per transaction = p * gamma / (q - 1) = 60.
GAMMA_GAMMA_TRUTH = {"p": 6.0, "q": 4.0, "gamma": 30.0}

PURCHASER_SHARE = 2 / 3
SAME_DAY_FIRST_PURCHASE = 0.6  # else first purchase after Exp(5 days)
SEASON_AMPLITUDE = 0.3  # intensity 1 +/- 0.3 over the year
SEASON_PEAK_DAY_OF_YEAR = 335  # 1 December
SIGNUP_GROWTH = 1.5  # sign-ups per day grow by 150% over the three years
SATISFACTION_DROPOUT_CORRELATION = 0.7  # unhappy customers draw a higher p
SPLIT_ORDER_SHARE = 0.05  # transactions paid as two orders on the same day
EXTRA_ORDER_SHARE = 0.08  # non-completed orders per transaction
REFUNDED_SHARE_OF_EXTRA = 0.45  # the rest of the extras are cancelled
PENDING_DAYS = 3  # extra orders in the last days are still pending
PROSPECT_CANCELLED_SHARE = 0.05  # prospects who placed one cancelled order
SURVEY_SHARES = {"nps": 0.12, "csat": 0.08, "ces": 0.05}  # per transaction
ANONYMOUS_SHARE = 0.10
COMMENT_SHARE = 0.25
OFFER_SHARE = 0.20  # of repeat transactions followed by a referral offer
REFERRAL_CONVERSION = 0.35  # of shares that bring a friend who signs up
COUNTRY_SHARES = {
    "US": 0.40, "GB": 0.15, "DE": 0.12, "FR": 0.10,
    "CA": 0.08, "NL": 0.05, "ES": 0.05, "AU": 0.05,
}  # fmt: skip
EMAIL_SHARE = 0.95

COMMENTS = {
    "detractor": [
        "Delivery was late again.",
        "Support never answered my ticket.",
        "Prices went up, quality went down.",
        "Le colis est arrivé abîmé.",
    ],
    "passive": [
        "Fine, nothing special.",
        "Good products, slow shipping.",
        "Okay overall.",
        "Gut, aber etwas teuer.",
    ],
    "promoter": [
        "Love it, already told my friends!",
        "Fast delivery and great quality.",
        "Best shop I know 👍",
        "Excelente servicio, gracias.",
    ],
}

INVALID_TIMESTAMPS = ["not a date", "2024-02-30 10:00:00", "31/12/2024", "yesterday"]
INVALID_STATUSES = ["shipped", "complete", "done", "unknown"]
INVALID_AMOUNTS = ["12,50", "abc", "N/A", "1e40"]
UNKNOWN_SURVEY_TYPES = ["promoter", "nps2", "csat5", "rating"]


@dataclass
class GeneratorConfig:
    customers: int = DEFAULT_CUSTOMERS
    seed: int = DEFAULT_SEED
    end_date: date = DEFAULT_END_DATE
    years: int = YEARS
    seasonality: float = SEASON_AMPLITUDE
    dirty_rate: float = 0.0
    file_format: str = "parquet"

    @property
    def start_date(self) -> date:
        return date(self.end_date.year - self.years, self.end_date.month, self.end_date.day) + (
            timedelta(days=1)
        )

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days + 1


@dataclass
class GeneratedData:
    tables: dict[str, pa.Table]
    truth: dict
    manifest: list[tuple[str, int, str | None, str]] = field(default_factory=list)


Progress = Callable[[str], None]


def _noop(_: str) -> None:
    return None


# --------------------------------------------------------------------------- time


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


# ------------------------------------------------------------------ customer life


def _beta_from_copula(rng, a, b, satisfaction, rho):
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


def _simulate_cohort(rng, cfg: GeneratorConfig, clock: SeasonalClock, signup, channel) -> Cohort:
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
        p[idx] = _beta_from_copula(
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


def _signup_days(rng, cfg: GeneratorConfig, n: int) -> np.ndarray:
    d = np.arange(cfg.days, dtype=float)
    peak = (SEASON_PEAK_DAY_OF_YEAR - cfg.start_date.timetuple().tm_yday) % 365.25
    weights = (1 + SIGNUP_GROWTH * d / cfg.days) * (
        1 + cfg.seasonality * np.cos(2 * np.pi * (d - peak) / 365.25)
    )
    cdf = np.cumsum(weights) / weights.sum()
    day = np.searchsorted(cdf, rng.random(n), side="right")
    return np.minimum(day, cfg.days - 1) + rng.random(n)


def _concat_cohorts(a: Cohort, b: Cohort) -> Cohort:
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


# ------------------------------------------------------------------ id columns


def _ids(prefix: str, numbers: np.ndarray, width: int, suffix: str = "") -> pa.Array:
    """Fixed-width ids like C0000042 built from bytes (fast for millions)."""
    numbers = np.asarray(numbers, dtype=np.int64)
    pre, suf = prefix.encode(), suffix.encode()
    size = len(pre) + width + len(suf)
    buf = np.empty((numbers.size, size), dtype=np.uint8)
    buf[:, : len(pre)] = np.frombuffer(pre, np.uint8)
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    buf[:, len(pre) : len(pre) + width] = (numbers[:, None] // powers) % 10 + ord("0")
    if suf:
        buf[:, len(pre) + width :] = np.frombuffer(suf, np.uint8)
    offsets = np.arange(0, (numbers.size + 1) * size, size, dtype=np.int32)
    return pa.StringArray.from_buffers(
        numbers.size, pa.py_buffer(offsets), pa.py_buffer(buf.tobytes())
    )


def _width(n: int) -> int:
    return max(6, len(str(max(n, 1))))


def _timestamps(start: date, days: np.ndarray) -> pa.Array:
    base = np.datetime64(datetime(start.year, start.month, start.day), "s")
    seconds = np.floor(days * 86400).astype(np.int64)
    return pa.array(base + seconds.astype("timedelta64[s]"), pa.timestamp("s"))


def _with_mask(values: pa.Array, keep: np.ndarray) -> pa.Array:
    return pc.if_else(pa.array(keep), values, pa.nulls(len(values), values.type))


# ------------------------------------------------------------------ the data set


def generate(cfg: GeneratorConfig, progress: Progress = _noop) -> GeneratedData:
    rng = np.random.default_rng(cfg.seed)
    end = float(cfg.days)
    peak = (SEASON_PEAK_DAY_OF_YEAR - cfg.start_date.timetuple().tm_yday) % 365.25
    clock = SeasonalClock(cfg.days, cfg.seasonality, peak)

    progress("customers and purchases")
    n_referred_target = round(REFERRED_SHARE * cfg.customers)
    n_base = cfg.customers - n_referred_target
    base_channel = rng.choice(len(CHANNEL_SHARES), n_base, p=list(CHANNEL_SHARES.values()))
    base = _simulate_cohort(rng, cfg, clock, _signup_days(rng, cfg, n_base), base_channel)

    progress("referral offers")
    offers = _offers(rng, base, end)
    # Shares that bring a friend: choose exactly the referred customers we need, and
    # fill any shortfall (tiny data sets) with organic sign-ups.
    shared = np.flatnonzero(~np.isnan(offers["shared"]))
    brings = shared[rng.random(shared.size) < REFERRAL_CONVERSION]
    friend_signup = offers["shared"][brings] + rng.exponential(4.0, brings.size)
    brings, friend_signup = brings[friend_signup < end], friend_signup[friend_signup < end]
    if brings.size > n_referred_target:
        pick = np.sort(rng.choice(brings.size, n_referred_target, replace=False))
        brings, friend_signup = brings[pick], friend_signup[pick]
    n_fill = n_referred_target - brings.size
    signup2 = np.concatenate((friend_signup, _signup_days(rng, cfg, n_fill)))
    channel2 = np.concatenate(
        (np.full(brings.size, CHANNELS.index("referral")), np.zeros(n_fill, dtype=np.int64))
    )
    referred = _simulate_cohort(rng, cfg, clock, signup2, channel2)
    referrer = np.concatenate((np.full(n_base, -1), offers["owner"][brings], np.full(n_fill, -1)))
    offers2 = _offers(rng, referred, end)
    everyone = _concat_cohorts(base, referred)
    offers2["owner"] = offers2["owner"] + n_base
    all_offers = {k: np.concatenate((offers[k], offers2[k])) for k in offers}

    progress("orders")
    orders = _orders(rng, everyone, end)
    progress("surveys")
    surveys = _surveys(rng, everyone, end)

    progress("tables")
    tables, counts = _tables(rng, cfg, everyone, referrer, orders, surveys, all_offers)
    truth = _truth(cfg, counts)
    data = GeneratedData(tables, truth)
    if cfg.dirty_rate > 0:
        progress("dirty rows")
        data = make_dirty(data, cfg.dirty_rate, rng)
    return data


def _offers(rng, c: Cohort, end: float) -> dict[str, np.ndarray]:
    repeat = np.flatnonzero(c.tx_repeat >= 1)
    chosen = repeat[rng.random(repeat.size) < OFFER_SHARE]
    offered = c.tx_time[chosen] + rng.uniform(1, 10, chosen.size) / 1440
    ok = offered < end
    chosen, offered = chosen[ok], offered[ok]
    owner = c.tx_owner[chosen]
    share_p = special.expit(-1.8 + 1.4 * c.satisfaction[owner])
    shared = offered + rng.exponential(1.5, chosen.size)
    shared[(rng.random(chosen.size) >= share_p) | (shared >= end)] = np.nan
    return {"owner": owner, "offered": offered, "shared": shared}


def _orders(rng, c: Cohort, end: float) -> dict[str, np.ndarray]:
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
    pc = prospects[rng.random(prospects.size) < PROSPECT_CANCELLED_SHARE]
    t_pc = c.signup[pc] + rng.uniform(0, 1, pc.size)
    owner_x = np.concatenate((owner_extra, pc))
    t_x = np.concatenate((t_extra, t_pc))
    from_prospect = np.concatenate((np.zeros(owner_extra.size, bool), np.ones(pc.size, bool)))
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


def _score(rng, satisfaction, kind: str) -> np.ndarray:
    noise = rng.standard_normal(satisfaction.size)
    if kind == "nps":
        raw, lo, hi = 8.0 + 2.0 * satisfaction + 1.0 * noise, 0, 10
    elif kind == "csat":
        raw, lo, hi = 3.9 + 0.9 * satisfaction + 0.6 * noise, 1, 5
    else:
        raw, lo, hi = 5.3 + 1.1 * satisfaction + 0.9 * noise, 1, 7
    return np.clip(np.round(raw), lo, hi).astype(np.int64)


def _surveys(rng, c: Cohort, end: float) -> dict[str, np.ndarray]:
    parts = []
    for code, (kind, share) in enumerate(SURVEY_SHARES.items()):
        tx = np.flatnonzero(rng.random(c.tx_time.size) < share)
        t = c.tx_time[tx] + rng.exponential(3.0, tx.size)
        tx, t = tx[t < end], t[t < end]
        owner = c.tx_owner[tx]
        parts.append((owner, t, np.full(tx.size, code), _score(rng, c.satisfaction[owner], kind)))
    owner, time, kind, score = (np.concatenate(x) for x in zip(*parts, strict=True))
    anonymous = rng.random(owner.size) < ANONYMOUS_SHARE
    with_comment = rng.random(owner.size) < COMMENT_SHARE
    band = np.where(score >= 9, 2, np.where(score >= 7, 1, 0))
    band = np.where(kind == 0, band, np.where(score >= 4, 2, np.where(score >= 3, 1, 0)))
    pick = rng.integers(0, 4, owner.size)
    return {
        "owner": owner,
        "time": time,
        "kind": kind,
        "score": score,
        "anonymous": anonymous,
        "with_comment": with_comment,
        "band": band,
        "pick": pick,
    }


def _tables(rng, cfg, c: Cohort, referrer, orders, surveys, offers):
    n = c.signup.size
    order_by_signup = np.argsort(c.signup, kind="stable")
    new_index = np.empty(n, dtype=np.int64)
    new_index[order_by_signup] = np.arange(n)
    width = _width(n)
    cust_ids = _ids("C", np.arange(1, n + 1), width)

    def cid(old_index):
        return cust_ids.take(pa.array(new_index[old_index]))

    country_codes = np.array(list(COUNTRY_SHARES))
    country = country_codes[rng.choice(len(COUNTRY_SHARES), n, p=list(COUNTRY_SHARES.values()))]
    has_email = rng.random(n) < EMAIL_SHARE
    emails = _with_mask(
        _ids("customer", np.arange(1, n + 1), width, "@example.com"), has_email[order_by_signup]
    )
    ref = referrer[order_by_signup]
    referred_by = _with_mask(cid(np.maximum(ref, 0)), ref >= 0)
    customers = pa.table(
        {
            "customer_id": cust_ids,
            "signed_up_at": _timestamps(cfg.start_date, c.signup[order_by_signup]),
            "email": emails,
            "country_code": pa.array(country[order_by_signup]),
            "acquisition_channel": pa.array(np.array(CHANNELS)[c.channel[order_by_signup]]),
            "referred_by_customer_id": referred_by,
        }
    )

    o = np.lexsort((new_index[orders["owner"]], orders["time"]))
    statuses = np.array(["completed", "cancelled", "refunded", "pending"])
    orders_t = pa.table(
        {
            "order_id": _ids("O", np.arange(1, o.size + 1), _width(o.size)),
            "customer_id": cid(orders["owner"][o]),
            "ordered_at": _timestamps(cfg.start_date, orders["time"][o]),
            "status": pa.array(statuses[orders["status"][o]]),
            "revenue": pa.array(orders["revenue"][o]),
            "cost": pa.array(orders["cost"][o]),
        }
    )

    s = np.argsort(surveys["time"], kind="stable")
    kinds = np.array(list(SURVEY_SHARES))
    band_names = ["detractor", "passive", "promoter"]
    comment_pool = np.array([COMMENTS[b][i] for b in band_names for i in range(4)], dtype=object)
    comments = comment_pool[surveys["band"][s] * 4 + surveys["pick"][s]]
    comments[~surveys["with_comment"][s]] = None
    surveys_t = pa.table(
        {
            "response_id": _ids("R", np.arange(1, s.size + 1), _width(s.size)),
            "customer_id": _with_mask(cid(surveys["owner"][s]), ~surveys["anonymous"][s]),
            "survey_type": pa.array(kinds[surveys["kind"][s]]),
            "score": pa.array(surveys["score"][s]),
            "responded_at": _timestamps(cfg.start_date, surveys["time"][s]),
            "comment": pa.array(comments, pa.string()),
        }
    )

    f = np.argsort(offers["offered"], kind="stable")
    shared = offers["shared"][f]
    offers_t = pa.table(
        {
            "offer_id": _ids("F", np.arange(1, f.size + 1), _width(f.size)),
            "customer_id": cid(offers["owner"][f]),
            "offered_at": _timestamps(cfg.start_date, offers["offered"][f]),
            "shared_at": _with_mask(
                _timestamps(cfg.start_date, np.nan_to_num(shared)), ~np.isnan(shared)
            ),
        }
    )
    counts = {
        "customers": n,
        "purchasers": int(c.purchaser.sum()),
        "transactions": int(c.tx_time.size),
        "orders": o.size,
        "survey_responses": s.size,
        "referral_offers": f.size,
        "referred_customers": int((ref >= 0).sum()),
    }
    tables = {
        "customers": customers,
        "orders": orders_t,
        "survey_responses": surveys_t,
        "referral_offers": offers_t,
    }
    return tables, counts


def _truth(cfg: GeneratorConfig, counts: dict) -> dict:
    return {
        "seed": cfg.seed,
        "customers": cfg.customers,
        "start_date": cfg.start_date.isoformat(),
        "end_date": cfg.end_date.isoformat(),
        "time_unit_days": TIME_UNIT_DAYS,
        "bg_nbd": BG_NBD_TRUTH,
        "gamma_gamma": GAMMA_GAMMA_TRUTH,
        "channel_shares": {
            **{k: v * (1 - REFERRED_SHARE) for k, v in CHANNEL_SHARES.items()},
            "referral": REFERRED_SHARE,
        },
        "purchaser_share": PURCHASER_SHARE,
        "extra_order_share": EXTRA_ORDER_SHARE,
        "split_order_share": SPLIT_ORDER_SHARE,
        "refunded_share_of_extra": REFUNDED_SHARE_OF_EXTRA,
        "survey_shares_per_transaction": SURVEY_SHARES,
        "anonymous_share": ANONYMOUS_SHARE,
        "satisfaction_dropout_correlation": SATISFACTION_DROPOUT_CORRELATION,
        "seasonality_amplitude": cfg.seasonality,
        "season_peak_day_of_year": SEASON_PEAK_DAY_OF_YEAR,
        "dirty_rate": cfg.dirty_rate,
        "counts": counts,
    }


# ------------------------------------------------------------------ dirty data


def _as_text(table: pa.Table) -> dict[str, np.ndarray]:
    out = {}
    for name in table.column_names:
        col = table[name]
        if pa.types.is_timestamp(col.type):
            col = pc.strftime(col, "%Y-%m-%d %H:%M:%S")
        out[name] = np.array(col.cast(pa.string()).to_pylist(), dtype=object)
    return out


def _future(rng, k: int) -> list[str]:
    months, days = rng.integers(1, 13, k), rng.integers(1, 29, k)
    return [f"2099-{m:02d}-{d:02d} 12:00:00" for m, d in zip(months, days, strict=True)]


def _bad_score(kind: str, pick: int) -> str:
    too_high = {"nps": "11", "csat": "6", "ces": "8"}.get(kind, "99")
    return [too_high, "-1", "7.5", "ten"][pick % 4]


def make_dirty(data: GeneratedData, rate: float, rng) -> GeneratedData:
    """Inject every quarantine reason into about ``rate`` of each table's rows.

    Each reason gets its own rows (no row has two injected reasons), so the manifest
    says exactly which reason staging must give each row. Customers are corrupted only
    among those nothing else refers to, so no order or answer is orphaned by it.
    """
    tables = {name: _as_text(t) for name, t in data.tables.items()}
    manifest: list[tuple[str, int, str | None, str]] = []
    referenced = set()
    for name in ("orders", "survey_responses", "referral_offers"):
        referenced.update(v for v in tables[name]["customer_id"] if v is not None)
    referenced.update(v for v in tables["customers"]["referred_by_customer_id"] if v)

    for name, cols in tables.items():
        id_col = {
            "customers": "customer_id",
            "orders": "order_id",
            "survey_responses": "response_id",
            "referral_offers": "offer_id",
        }[name]
        n = len(cols[id_col])
        k = int(round(rate * n))
        if name == "customers":
            eligible = np.array([i for i, v in enumerate(cols[id_col]) if v not in referenced])
        else:
            eligible = np.arange(n)
        order = rng.permutation(eligible) if eligible.size else eligible
        used = 0
        original_ids = cols[id_col].copy()

        ts_col = {
            "customers": "signed_up_at",
            "orders": "ordered_at",
            "survey_responses": "responded_at",
            "referral_offers": "offered_at",
        }[name]
        in_place = ["missing_id", "invalid_timestamp", "future_timestamp"]
        if name != "customers":
            in_place.append("unknown_customer")
        in_place += {
            "orders": ["invalid_status", "invalid_amount", "negative_amount"],
            "survey_responses": ["unknown_survey_type", "invalid_score"],
            "referral_offers": ["shared_before_offered"],
        }.get(name, [])
        for reason in in_place:
            rows = order[used : used + k]
            used += rows.size
            for j, i in enumerate(rows):
                if reason == "missing_id":
                    cols[id_col][i] = None if j % 2 == 0 else "  "
                elif reason == "invalid_timestamp":
                    cols[ts_col][i] = INVALID_TIMESTAMPS[j % len(INVALID_TIMESTAMPS)]
                elif reason == "future_timestamp":
                    cols[ts_col][i] = _future(rng, 1)[0]
                    if name == "referral_offers":
                        cols["shared_at"][i] = None
                elif reason == "unknown_customer":
                    cols["customer_id"][i] = f"X{rng.integers(0, 10**7):07d}"
                elif reason == "invalid_status":
                    cols["status"][i] = INVALID_STATUSES[j % len(INVALID_STATUSES)]
                elif reason == "invalid_amount":
                    cols["revenue"][i] = INVALID_AMOUNTS[j % len(INVALID_AMOUNTS)]
                elif reason == "negative_amount":
                    cols["revenue"][i] = f"-{float(cols['revenue'][i]) + 1:.2f}"
                elif reason == "unknown_survey_type":
                    cols["survey_type"][i] = UNKNOWN_SURVEY_TYPES[j % len(UNKNOWN_SURVEY_TYPES)]
                elif reason == "invalid_score":
                    cols["score"][i] = _bad_score(cols["survey_type"][i], j)
                elif reason == "shared_before_offered":
                    offered = datetime.fromisoformat(cols["offered_at"][i])
                    cols["shared_at"][i] = (offered - timedelta(hours=2)).isoformat(sep=" ")
            manifest += [
                (name, int(i) + 1, None if reason == "missing_id" else original_ids[i], reason)
                for i in rows
            ]

        # duplicates: copies of untouched rows appended at the end (the first is kept)
        touched = set(order[:used].tolist())
        clean = np.array([i for i in range(n) if i not in touched and cols[id_col][i]])
        dup = rng.choice(clean, min(k, clean.size), replace=False) if clean.size else clean
        extra_rows = []
        for j, i in enumerate(dup):
            row = {c: v[i] for c, v in cols.items()}
            if name == "orders" and j % 2 == 0:  # same id, conflicting content
                row["revenue"] = f"{float(row['revenue']) + 10:.2f}"
            if name == "customers" and j % 2 == 0:
                row["email"] = "someone.else@example.com"
            extra_rows.append(row)
            manifest.append((name, n + j + 1, row[id_col], "duplicate_id"))
        if extra_rows:
            for c in cols:
                cols[c] = np.concatenate((cols[c], np.array([r[c] for r in extra_rows], object)))

    out = {
        name: pa.table({c: pa.array(v.tolist(), pa.string()) for c, v in cols.items()})
        for name, cols in tables.items()
    }
    truth = dict(data.truth)
    truth["dirty_counts"] = {}
    for table, _, _, reason in manifest:
        truth["dirty_counts"].setdefault(table, {}).setdefault(reason, 0)
        truth["dirty_counts"][table][reason] += 1
    return GeneratedData(out, truth, manifest)


# ------------------------------------------------------------------ writing


def write(data: GeneratedData, out: Path, file_format: str = "parquet") -> list[Path]:
    """Write the tables as ``<table>.parquet`` or ``<table>.csv``, plus truth.json
    and, for dirty data, dirty_manifest.csv. Files of the other format are removed
    so the folder holds one copy of each table."""
    if file_format not in ("parquet", "csv"):
        raise ValueError(f"format must be parquet or csv, not {file_format!r}")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    other = "csv" if file_format == "parquet" else "parquet"
    for name, table in data.tables.items():
        (out / f"{name}.{other}").unlink(missing_ok=True)
        path = out / f"{name}.{file_format}"
        if file_format == "parquet":
            pq.write_table(table, path, compression="zstd")
        else:
            pacsv.write_csv(table, path)
        written.append(path)
    (out / "truth.json").write_text(json.dumps(data.truth, indent=2) + "\n")
    manifest_path = out / "dirty_manifest.csv"
    manifest_path.unlink(missing_ok=True)
    if data.manifest:
        with manifest_path.open("w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["table", "row_number", "record_id", "reason"])
            w.writerows(data.manifest)
        written.append(manifest_path)
    return written
