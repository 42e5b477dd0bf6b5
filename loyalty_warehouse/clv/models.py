"""Predictive customer lifetime value: BG/NBD + Gamma-Gamma, by maximum likelihood.

References
----------
[FHL05a] Fader, Hardie and Lee (2005), "'Counting Your Customers' the Easy Way: An
         Alternative to the Pareto/NBD Model", Marketing Science 24(2), 275-284.
[FHL05b] Fader, Hardie and Lee (2005), "RFM and CLV: Using Iso-Value Curves for
         Customer Base Analysis", Journal of Marketing Research 42(4), 415-430.
[FH13]   Fader and Hardie (2013), "The Gamma-Gamma Model of Monetary Value" (note).

Conventions, as in the papers (and docs/marts.md): a transaction is a day with a
purchase; x is the number of *repeat* transactions in the calibration period, t_x
the time of the last one and T the time of the calibration end, both measured from
the first transaction, in a time unit of the caller's choice (weeks by default in
this project); m_x is the mean value of the x repeat transactions.

Everything is vectorised. Fits run on distinct (x, t_x, T) rows with counts as
weights, so a million customers collapse to a few hundred thousand rows at most.
This module is the readable reference: the likelihoods customer by customer, the
fits and their standard errors; `predictions.py` predicts from the fitted
parameters. The fits minimise the fast objectives of
`objectives.py`, which a test keeps equal to the likelihoods here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, special

from loyalty_warehouse.clv.objectives import (
    BgNbdData,
    GammaGammaData,
    as_arrays,
    bg_nbd_objective,
    gamma_gamma_objective,
)

MIN_REPEAT_BUYERS = 20
# the largest gradient of the mean log-likelihood (in log-parameters) taken as zero
OPTIMUM_GRADIENT = 1e-6


# --------------------------------------------------------------------- parameters


@dataclass(frozen=True)
class BgNbdParams:
    r: float
    alpha: float
    a: float
    b: float

    def as_dict(self) -> dict[str, float]:
        return {"r": self.r, "alpha": self.alpha, "a": self.a, "b": self.b}


@dataclass(frozen=True)
class GammaGammaParams:
    p: float
    q: float
    gamma: float

    def as_dict(self) -> dict[str, float]:
        return {"p": self.p, "q": self.q, "gamma": self.gamma}


@dataclass(frozen=True)
class FitResult:
    params: BgNbdParams | GammaGammaParams | None
    log_likelihood: float | None
    n_customers: int
    converged: bool
    message: str


# ------------------------------------------------------------------------ BG/NBD


def _bg_nbd_terms(r, alpha, a, b, x, t_x, T):
    """log of the two terms of the BG/NBD likelihood, [FHL05a] eq. (6):

    L = B(a, b+x)/B(a, b) * G(r+x) alpha^r / (G(r) (alpha+T)^(r+x))
      + d_{x>0} B(a+1, b+x-1)/B(a, b) * G(r+x) alpha^r / (G(r) (alpha+t_x)^(r+x))

    Returns (A1, A2, A3) with log L = A1 + log(e^A2 + d_{x>0} e^A3); A3 is -inf
    where x = 0.
    """
    a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    beta_ab = special.betaln(a, b)
    a2 = special.betaln(a, b + x) - beta_ab - (r + x) * np.log(alpha + T)
    repeat = x > 0
    a3 = np.full_like(x, -np.inf)
    a3[repeat] = (
        special.betaln(a + 1, b + x[repeat] - 1)
        - beta_ab
        - (r + x[repeat]) * np.log(alpha + t_x[repeat])
    )
    return a1, a2, a3


def bg_nbd_log_likelihood(params: BgNbdParams, x, t_x, T) -> np.ndarray:
    """Per-customer log-likelihood of the BG/NBD model, [FHL05a] eq. (6)."""
    x, t_x, T = as_arrays(x, t_x, T)
    a1, a2, a3 = _bg_nbd_terms(params.r, params.alpha, params.a, params.b, x, t_x, T)
    return a1 + np.logaddexp(a2, a3)


def fit_bg_nbd(x, t_x, T, weights=None, min_repeat_buyers: int = MIN_REPEAT_BUYERS) -> FitResult:
    """Maximum-likelihood BG/NBD parameters ([FHL05a] section 3).

    ``weights`` counts how many customers share each (x, t_x, T) row; pass the output
    of :func:`compress` to fit a million customers in under a second.
    """
    x, t_x, T = as_arrays(x, t_x, T)
    weights = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    n = int(round(weights.sum()))
    repeat_buyers = int(round(weights[x > 0].sum()))
    if n == 0:
        return FitResult(None, None, 0, False, "no customers to fit")
    if repeat_buyers < min_repeat_buyers:
        return FitResult(
            None, None, n, False,
            f"only {repeat_buyers} repeat buyers (need {min_repeat_buyers})",
        )  # fmt: skip
    rate = max(np.sum(weights * x) / max(np.sum(weights * T), 1e-9), 1e-6)
    start = np.log([1.0, 1.0 / rate, 1.0, 1.0])
    data = BgNbdData.of(x, t_x, T, weights)
    return _minimise(
        bg_nbd_objective, start, (x, t_x, T, weights, data), n,
        lambda p: BgNbdParams(*p),
    )  # fmt: skip


def _minimise(objective, start, args, n, build) -> FitResult:
    """Minimise the mean negative log-likelihood (the sum divided by the number of
    customers n). On the sum, the gradient's tolerance meant nothing at a million
    customers: the line search ran out of digits at the optimum and reported
    ABNORMAL termination (Gamma-Gamma on the 1M benchmark); on the mean the same
    tolerances hold at every size, and the fit takes fewer steps."""

    def mean_objective(log_params, *data):
        value, gradient = objective(log_params, *data)
        return value / n, gradient / n

    with np.errstate(all="ignore"):
        res = optimize.minimize(
            mean_objective, start, args=args, jac=True, method="L-BFGS-B",
            bounds=[(-12.0, 12.0)] * len(start),
            options={"maxiter": 2000, "ftol": 1e-13, "gtol": 1e-8},
        )  # fmt: skip
    res.fun = res.fun * n
    params = np.exp(res.x)
    finite = np.isfinite(res.fun) and np.all(np.isfinite(params))
    at_bound = np.any(np.abs(res.x) > 11.99)
    # "ABNORMAL" is L-BFGS-B's line search finding no lower value: at the optimum,
    # where the objective no longer changes in its last digits, it is success
    # (a 3,000-buyer sample stopped so with a gradient of 2e-7, lifetimes' optimum)
    flat = res.status == 2 and np.max(np.abs(res.jac)) < OPTIMUM_GRADIENT
    converged = bool((res.success or flat) and finite and not at_bound)
    if converged:
        message = "converged"
    elif at_bound:
        message = "a parameter ran to its bound (exp(+/-12)): the model does not fit these data"
    else:
        message = f"optimizer did not converge: {res.message}"
    return FitResult(build(params) if finite else None,
                     float(-res.fun) if finite else None, n, converged, message)  # fmt: skip


# ------------------------------------------------------------------ Gamma-Gamma


def gamma_gamma_log_likelihood(params: GammaGammaParams, x, m_x) -> np.ndarray:
    """Per-customer log-likelihood of the mean spend m_x over x transactions,
    [FH13] eq. (4) (the density of the mean of x Gamma(p, nu) values, nu ~ Gamma(q, gamma)):

    G(px + q) / (G(px) G(q)) * gamma^q m_x^(px - 1) x^(px) / (gamma + x m_x)^(px + q)
    """
    x, m_x = as_arrays(x, m_x)
    p, q, g = params.p, params.q, params.gamma
    px = p * x
    return (
        special.gammaln(px + q) - special.gammaln(px) - special.gammaln(q)
        + q * np.log(g) + (px - 1) * np.log(m_x) + px * np.log(x)
        - (px + q) * np.log(g + x * m_x)
    )  # fmt: skip


def fit_gamma_gamma(x, m_x, weights=None, min_repeat_buyers: int = MIN_REPEAT_BUYERS) -> FitResult:
    """Maximum-likelihood Gamma-Gamma parameters ([FH13]; [FHL05b] section 3) on
    customers with x > 0 repeat transactions of mean value m_x > 0."""
    x, m_x = as_arrays(x, m_x)
    weights = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    keep = (x > 0) & (m_x > 0)
    x, m_x, weights = x[keep], m_x[keep], weights[keep]
    n = int(round(weights.sum()))
    if n < min_repeat_buyers:
        return FitResult(
            None, None, n, False, f"only {n} repeat buyers with spend (need {min_repeat_buyers})"
        )
    mean = np.sum(weights * m_x) / weights.sum()
    start = np.log([1.0, 2.0, mean])
    data = GammaGammaData.of(x, m_x, weights)
    return _minimise(gamma_gamma_objective, start, (x, m_x, weights, data), n,
                     lambda p: GammaGammaParams(*p))  # fmt: skip


# ---------------------------------------------------------------- uncertainty


def standard_errors(
    fit: FitResult, *, x, t_x=None, T=None, m_x=None, weights=None
) -> dict[str, float]:
    """Asymptotic standard errors of the fitted parameters: the inverse Hessian of the
    negative log-likelihood (by central differences of the analytic gradient, in
    log-parameters), carried to the parameters by the delta method.

    The data the fit saw: ``x``, ``t_x``, ``T`` for BG/NBD, ``x``, ``m_x`` for
    Gamma-Gamma, and the ``weights`` of each row if it was fitted on distinct rows.
    """
    if fit.params is None:
        return {}
    if isinstance(fit.params, BgNbdParams):
        if t_x is None or T is None:
            raise ValueError("BG/NBD standard errors need x, t_x and T")
        objective, args = bg_nbd_objective, tuple(as_arrays(x, t_x, T))
        reduce = BgNbdData.of
    else:
        if m_x is None:
            raise ValueError("Gamma-Gamma standard errors need x and m_x")
        objective, args = gamma_gamma_objective, tuple(as_arrays(x, m_x))
        reduce = GammaGammaData.of
    weights = np.ones_like(args[0]) if weights is None else np.asarray(weights, dtype=float)
    prepared = reduce(*args, weights)
    names = list(fit.params.as_dict())
    theta = np.array(list(fit.params.as_dict().values()))
    point = np.log(theta)
    k = point.size
    hessian = np.empty((k, k))
    step = 1e-5
    for i in range(k):
        e = np.zeros(k)
        e[i] = step
        g_plus = objective(point + e, *args, weights, prepared)[1]
        g_minus = objective(point - e, *args, weights, prepared)[1]
        hessian[:, i] = (g_plus - g_minus) / (2 * step)
    covariance = np.linalg.inv((hessian + hessian.T) / 2)
    se_log = np.sqrt(np.clip(np.diag(covariance), 0, None))
    return dict(zip(names, theta * se_log, strict=True))
