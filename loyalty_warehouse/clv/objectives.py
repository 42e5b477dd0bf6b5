"""The likelihoods as the fits evaluate them: reduced data, scratch buffers, gradients.

`models.py` states each likelihood the readable way, customer by customer, as the papers
write it (`bg_nbd_log_likelihood`, `gamma_gamma_log_likelihood`); the fits minimise
the objectives here instead, which give the same sums many times faster at a million
customers: the terms in x alone and in T alone are added up once per distinct value,
only what needs a row is computed per row, into work arrays allocated once per fit.

Two tests in tests_python/test_clv_objectives.py keep the two equal:
`test_reduced_likelihoods_equal_the_per_customer_formulas` (each objective's value
is the sum of the readable per-customer log-likelihoods, to 1e-12, customer by
customer and on weighted distinct rows) and
`test_analytic_gradients_match_finite_differences` (each gradient is its objective's
derivative). Change one side, and they say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import special


def compress(*columns, return_inverse: bool = False):
    """Distinct rows of the given columns and how often each occurs.

    Returns (list of unique columns, counts), plus with ``return_inverse`` the index
    of each input row among the unique rows (so per-row results can be spread back).
    Rows come out in the order of their first occurrence. Hashing (pandas.factorize),
    not sorting: each column is coded, the codes are combined into one integer key and
    that is coded in turn, three times faster than np.lexsort at a million rows.
    """
    cols = [np.asarray(c, dtype=float).ravel() for c in columns]
    n = cols[0].size if cols else 0
    if n == 0:
        empty = ([np.array([]) for _ in cols], np.array([]))
        return (*empty, np.array([], dtype=np.int64)) if return_inverse else empty
    inverse = None
    for col in cols:
        codes, uniques = pd.factorize(col, use_na_sentinel=False)
        if inverse is None:
            inverse = codes
        else:  # both factors are below n: no overflow below three billion rows
            inverse, _ = pd.factorize(inverse * len(uniques) + codes)
    size = int(inverse.max()) + 1
    first = np.empty(size, dtype=np.int64)
    first[inverse[::-1]] = np.arange(n - 1, -1, -1)
    unique = [c[first] for c in cols]
    counts = np.bincount(inverse, minlength=size).astype(float)
    return (unique, counts, inverse) if return_inverse else (unique, counts)


def as_arrays(*values):
    return [np.asarray(v, dtype=float) for v in values]


@dataclass(frozen=True)
class BgNbdData:
    """The data as the BG/NBD likelihood uses them, reduced once per fit.

    log L = A(x) - (r + x) log(alpha + T) + log(1 + d_{x>0} e^D), with A(x) the terms in
    x alone and D = log(a / (b + x - 1)) + (r + x) log((alpha + T) / (alpha + t_x)).
    The first two terms are sums over the distinct x and the distinct T (a few hundred
    and a few thousand values: customer weights are added up per value here), so only
    log(1 + e^D) is evaluated per row, and only on rows with x > 0; each row reads its
    logs of alpha + T and alpha + t_x from small per-value tables by index.
    """

    n: float  # customers
    x_values: np.ndarray  # distinct x, and the customers at each
    x_weight: np.ndarray
    T_values: np.ndarray  # distinct T, the customers at each and their sum of x
    T_weight: np.ndarray
    T_weight_x: np.ndarray
    t_x_values: np.ndarray  # distinct t_x of repeat buyers
    x: np.ndarray  # the rows with x > 0: x, weight, and indices into the tables
    weight: np.ndarray
    x_index: np.ndarray
    T_index: np.ndarray
    t_x_index: np.ndarray
    # work arrays each evaluation overwrites: one evaluation at a time per instance
    scratch: tuple[np.ndarray, ...] = field(repr=False, compare=False)

    @classmethod
    def of(cls, x, t_x, T, weights) -> BgNbdData:
        (x_values,), _, x_index = compress(x, return_inverse=True)
        (T_values,), _, T_index = compress(T, return_inverse=True)
        T_weight = np.bincount(T_index, weights, T_values.size)
        T_weight_x = np.bincount(T_index, weights * x, T_values.size)
        x_weight = np.bincount(x_index, weights, x_values.size)
        repeat = x > 0
        (t_x_values,), _, t_x_index = compress(t_x[repeat], return_inverse=True)
        return cls(
            float(weights.sum()), x_values, x_weight, T_values, T_weight, T_weight_x,
            t_x_values, x[repeat], weights[repeat], x_index[repeat], T_index[repeat],
            t_x_index, tuple(np.empty(t_x_index.size) for _ in range(6)),
        )  # fmt: skip


def bg_nbd_objective(log_params, x, t_x, T, weights, data: BgNbdData | None = None):
    """Negative weighted log-likelihood ([FHL05a] eq. 6) and its gradient in
    log-parameters, on the reduced data (``data``, computed here when not given)."""
    if data is None:
        data = BgNbdData.of(*as_arrays(x, t_x, T, weights))
    r, alpha, a, b = np.exp(log_params)
    gl, bl, psi = special.gammaln, special.betaln, special.digamma
    ux, wx = data.x_values, data.x_weight
    repeat_u = ux > 0
    b_x_1 = np.where(repeat_u, b + ux - 1, 1.0)  # b + x - 1, where x > 0
    # terms in x alone: G(r+x)/G(r) alpha^r B(a, b+x)/B(a, b)
    psi_ab, psi_abx = psi(a + b), psi(a + b + ux)
    ll = np.dot(wx, gl(r + ux) + bl(a, b + ux)) - data.n * (gl(r) + bl(a, b) - r * np.log(alpha))
    d_r = np.dot(wx, psi(r + ux)) - data.n * (psi(r) - np.log(alpha))
    d_alpha = data.n * r / alpha
    d_a = np.dot(wx, psi_ab - psi_abx)
    d_b = np.dot(wx, psi(b + ux) - psi_abx) + data.n * (psi_ab - psi(b))
    # -(r + x) log(alpha + T), summed per distinct T
    log_T = np.log(alpha + data.T_values)
    inv_T = 1 / (alpha + data.T_values)
    weight_rx = r * data.T_weight + data.T_weight_x
    ll -= np.dot(weight_rx, log_T)
    d_r -= np.dot(data.T_weight, log_T)
    d_alpha -= np.dot(weight_rx, inv_T)
    # log(1 + e^D) on the rows with x > 0, in the data's scratch arrays: a fresh
    # temporary per step would cost a page fault per 4 kB and double the time
    log_t_x = np.log(alpha + data.t_x_values)
    inv_t_x = 1 / (alpha + data.t_x_values)
    dropout = np.where(repeat_u, np.log(a) - np.log(b_x_1), 0.0)  # log(a / (b + x - 1))
    log_ratio, rx, d, work, e, share = data.scratch
    np.take(log_T, data.T_index, out=log_ratio)
    np.subtract(log_ratio, np.take(log_t_x, data.t_x_index, out=work), out=log_ratio)
    np.add(r, data.x, out=rx)
    np.multiply(rx, log_ratio, out=d)
    np.add(d, np.take(dropout, data.x_index, out=work), out=d)  # D
    # log(1 + e^D) = max(D, 0) + log(1 + e^-|D|), and its derivative e^D / (1 + e^D)
    # = e^min(D, 0) / (1 + e^-|D|) (np.logaddexp and expit cost five times as much)
    ll += np.dot(data.weight, np.maximum(d, 0.0, out=work))
    np.exp(np.negative(np.abs(d, out=e), out=e), out=e)
    np.add(e, 1.0, out=e)
    ll += np.dot(data.weight, np.log(e, out=work))
    np.exp(np.minimum(d, 0.0, out=share), out=share)
    np.divide(share, e, out=share)
    np.multiply(share, data.weight, out=share)  # weight x d log(1 + e^D) / dD
    d_r += np.dot(share, log_ratio)
    np.take(inv_T, data.T_index, out=work)
    np.subtract(work, np.take(inv_t_x, data.t_x_index, out=e), out=work)
    d_alpha += np.dot(np.multiply(share, rx, out=rx), work)
    share_x = np.bincount(data.x_index, share, ux.size)
    d_a += share_x.sum() / a
    d_b -= np.dot(share_x, np.where(repeat_u, 1 / b_x_1, 0.0))
    grad = np.array([d_r * r, d_alpha * alpha, d_a * a, d_b * b])
    return -ll, -grad


@dataclass(frozen=True)
class GammaGammaData:
    """The data as the Gamma-Gamma likelihood uses them, reduced once per fit.

    log L = log G(px + q) - log G(px) - log G(q) + q log(gamma) + (px - 1) log(m_x)
            + px log(x) - (px + q) log(gamma + x m_x)
    The gamma functions are summed per distinct x, the terms in log(m_x) and log(x)
    are linear in p and summed once here: only log(gamma + x m_x) is left per row
    (computed in scratch arrays, as for BG/NBD).
    """

    n: float
    x_values: np.ndarray  # distinct x and the customers at each
    x_weight: np.ndarray
    sum_log_m: float  # sum of w log(m_x)
    sum_x_log_mx: float  # sum of w x (log(m_x) + log(x))
    spend: np.ndarray  # x m_x per row, with the weights w and w x
    weight: np.ndarray
    weight_x: np.ndarray
    # work arrays each evaluation overwrites: one evaluation at a time per instance
    scratch: tuple[np.ndarray, ...] = field(repr=False, compare=False)

    @classmethod
    def of(cls, x, m_x, weights) -> GammaGammaData:
        (x_values,), _, x_index = compress(x, return_inverse=True)
        log_m = np.log(m_x)
        weight_x = weights * x
        return cls(
            float(weights.sum()), x_values, np.bincount(x_index, weights, x_values.size),
            float(np.dot(weights, log_m)), float(np.dot(weight_x, log_m + np.log(x))),
            x * m_x, weights, weight_x, (np.empty(x.size), np.empty(x.size)),
        )  # fmt: skip


def gamma_gamma_objective(log_params, x, m_x, weights, data: GammaGammaData | None = None):
    """Negative weighted log-likelihood ([FH13] eq. 4) and gradient in log-parameters,
    on the reduced data (``data``, computed here when not given)."""
    if data is None:
        data = GammaGammaData.of(*as_arrays(x, m_x, weights))
    p, q, g = np.exp(log_params)
    gl, psi = special.gammaln, special.digamma
    ux, wx = data.x_values, data.x_weight
    pux = p * ux
    psi_sum = psi(pux + q)
    log_sum, inv_sum = data.scratch  # log(gamma + x m_x) and its inverse, per row
    np.add(data.spend, g, out=log_sum)
    np.divide(1.0, log_sum, out=inv_sum)
    np.log(log_sum, out=log_sum)
    sum_log = np.dot(data.weight, log_sum)
    sum_x_log = np.dot(data.weight_x, log_sum)
    ll = (
        np.dot(wx, gl(pux + q) - gl(pux)) - data.n * (gl(q) - q * np.log(g))
        + p * data.sum_x_log_mx - data.sum_log_m - p * sum_x_log - q * sum_log
    )  # fmt: skip
    d_p = np.dot(wx * ux, psi_sum - psi(pux)) + data.sum_x_log_mx - sum_x_log
    d_q = np.dot(wx, psi_sum) - data.n * (psi(q) - np.log(g)) - sum_log
    d_g = data.n * q / g - p * np.dot(data.weight_x, inv_sum) - q * np.dot(data.weight, inv_sum)
    return -ll, -np.array([d_p * p, d_q * q, d_g * g])
