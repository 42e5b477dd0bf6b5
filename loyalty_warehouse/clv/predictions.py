"""Predictions of fitted BG/NBD and Gamma-Gamma models: P(alive), expected
transactions, expected spend and discounted CLV, customer by customer.

The references ([FHL05a], [FHL05b], [FH13]) and the conventions (x, t_x, T, m_x) are
those of `models.py`, which fits the parameters these functions take.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from loyalty_warehouse.clv.models import BgNbdParams, GammaGammaParams
from loyalty_warehouse.clv.objectives import as_arrays, compress

# ------------------------------------------------------------------------ BG/NBD


def p_alive(params: BgNbdParams, x, t_x, T) -> np.ndarray:
    """P(alive | x, t_x, T), [FHL05a] eq. (13) (the customer is alive when x = 0):

    1 / (1 + d_{x>0} a / (b + x - 1) * ((alpha + T) / (alpha + t_x))^(r + x))
    """
    x, t_x, T = as_arrays(x, t_x, T)
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    repeat = x > 0
    log_ratio = np.full_like(x, -np.inf)
    xr, txr, tr = x[repeat], t_x[repeat], T[repeat]
    log_ratio[repeat] = (
        np.log(a) - np.log(b + xr - 1) + (r + xr) * (np.log(alpha + tr) - np.log(alpha + txr))
    )
    return special.expit(-log_ratio)


def expected_transactions(params: BgNbdParams, t) -> np.ndarray:
    """E[X(t)] for a customer picked at random, [FHL05a] eq. (9):

    (a + b - 1) / (a - 1) * [1 - (alpha / (alpha + t))^r 2F1(r, b; a + b - 1; t / (alpha + t))]
    """
    (t,) = as_arrays(t)
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    z = t / (alpha + t)
    h = special.hyp2f1(r, b, a + b - 1, z)
    return (a + b - 1) / (a - 1) * (1 - np.exp(r * np.log(alpha / (alpha + t))) * h)


def expected_transactions_if_alive(params: BgNbdParams, t, x, T) -> np.ndarray:
    """E[Y(t) | x, T, alive]: [FHL05a] eq. (10) without its P(alive) factor,

    (a + b + x - 1) / (a - 1)
      * [1 - ((alpha + T) / (alpha + T + t))^(r + x) 2F1(r + x, b + x; a + b + x - 1; z)]
    with z = t / (alpha + T + t). It does not depend on t_x, and the hypergeometric
    function, the costly part, is evaluated once per distinct (t, x, T): a million
    customers have only tens of thousands of distinct (x, T).
    """
    t, x, T = np.broadcast_arrays(*as_arrays(t, x, T))
    (ut, ux, uT), _, index = compress(t.ravel(), x.ravel(), T.ravel(), return_inverse=True)
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    z = ut / (alpha + uT + ut)
    log_power = (r + ux) * (np.log(alpha + uT) - np.log(alpha + uT + ut))
    h = special.hyp2f1(r + ux, b + ux, a + b + ux - 1, z)
    bracket = 1 - np.exp(log_power + np.log(h))
    value = (a + b + ux - 1) / (a - 1) * bracket
    return np.where(ut > 0, value, 0.0)[index].reshape(t.shape)


def conditional_expected_transactions(params: BgNbdParams, t, x, t_x, T) -> np.ndarray:
    """E[Y(t) | x, t_x, T]: expected transactions in the next t, [FHL05a] eq. (10):

    (a + b + x - 1) / (a - 1)
      * [1 - ((alpha + T) / (alpha + T + t))^(r + x) 2F1(r + x, b + x; a + b + x - 1; z)]
      / (1 + d_{x>0} a / (b + x - 1) ((alpha + T) / (alpha + t_x))^(r + x))
    with z = t / (alpha + T + t). The denominator is 1 / P(alive).
    """
    t, x, t_x, T = np.broadcast_arrays(*as_arrays(t, x, t_x, T))
    return expected_transactions_if_alive(params, t, x, T) * p_alive(params, x, t_x, T)


# ------------------------------------------------------------------ Gamma-Gamma


def conditional_expected_spend(params: GammaGammaParams, x, m_x) -> np.ndarray:
    """E[M | x, m_x]: expected value of a customer's future transactions, [FH13] eq. (5):

    (p (gamma + x m_x)) / (p x + q - 1)
    a weighted mean of the population mean p gamma / (q - 1) and the customer's m_x;
    for x = 0 it is the population mean. Requires q > 1.
    """
    x, m_x = as_arrays(x, m_x)
    p, q, g = params.p, params.q, params.gamma
    m_x = np.where(x > 0, m_x, 0.0)
    return p * (g + x * m_x) / (p * x + q - 1)


# ---------------------------------------------------------------------------- CLV


def discounted_clv(
    bg: BgNbdParams,
    expected_spend,
    x, t_x, T,
    horizon_days: float,
    time_unit_days: float,
    annual_discount_rate: float,
    margin_rate: float = 1.0,
    alive: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Discounted CLV over the horizon, month by month ([FHL05b] section 4, with
    discrete monthly discounting):

    sum_m (E[Y(t_m)] - E[Y(t_(m-1))]) * spend * margin_rate / (1 + d)^m

    t_m the end of month m (months of 365.25 / 12 days, the last one cut at the
    horizon), d = (1 + annual rate)^(1/12) - 1. Returns (CLV, expected transactions
    over the whole horizon).

    E[Y(t)] is P(alive) times E[Y(t) | alive], and only the second changes with t:
    the monthly sum runs on the distinct (x, T) and is multiplied by each customer's
    P(alive), spend and margin at the end (``alive``: P(alive) if already computed).
    """
    x, t_x, T, spend = (
        a.ravel() for a in np.broadcast_arrays(*as_arrays(x, t_x, T, expected_spend))
    )
    (ux, uT), _, index = compress(x, T, return_inverse=True)
    month_days = 365.25 / 12
    months = max(1, int(np.ceil(horizon_days / month_days - 1e-9)))
    d = (1 + annual_discount_rate) ** (1 / 12) - 1
    discounted = np.zeros_like(ux)
    previous = np.zeros_like(ux)
    for m in range(1, months + 1):
        t = min(m * month_days, horizon_days) / time_unit_days
        current = expected_transactions_if_alive(bg, t, ux, uT)
        discounted += (current - previous) / (1 + d) ** m
        previous = current
    alive = p_alive(bg, x, t_x, T) if alive is None else np.ravel(alive)
    return (
        discounted[index] * alive * spend * margin_rate,
        previous[index] * alive,
    )
