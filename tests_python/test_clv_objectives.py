"""The fast objectives the CLV fits minimise (loyalty_warehouse/clv/objectives.py):
their gradients, and their equality with the per-customer likelihoods of clv/models.py."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import optimize

from loyalty_warehouse import clv
from loyalty_warehouse.clv import objectives


def test_analytic_gradients_match_finite_differences(cdnow):
    args = (cdnow["x"], cdnow["t_x"], cdnow["T"], np.ones_like(cdnow["x"]))
    point = np.log([0.3, 4.0, 0.9, 2.0])
    _, grad = objectives.bg_nbd_objective(point, *args)
    numeric = optimize.approx_fprime(
        point, lambda p: objectives.bg_nbd_objective(p, *args)[0], 1e-6
    )
    assert grad == pytest.approx(numeric, rel=1e-4)
    repeat = cdnow["x"] > 0
    gg_args = (cdnow["x"][repeat], cdnow["zbar"][repeat], np.ones(int(repeat.sum())))
    point = np.log([5.0, 3.0, 12.0])
    _, grad = objectives.gamma_gamma_objective(point, *gg_args)
    numeric = optimize.approx_fprime(
        point, lambda p: objectives.gamma_gamma_objective(p, *gg_args)[0], 1e-6
    )
    assert grad == pytest.approx(numeric, rel=1e-4)


@pytest.mark.parametrize(
    "params",
    [
        (0.243, 4.414, 0.793, 2.426),  # the CDNOW estimates: D from -3.4 to 24.4
        (3.0, 0.2, 20.0, 0.5),  # D up to 43 (median 5.9): log(1 + e^D) ~ D
        (0.05, 300.0, 0.01, 50.0),  # D from -8.9 to -7.2: log(1 + e^D) ~ e^D
    ],
)
def test_reduced_likelihoods_equal_the_per_customer_formulas(cdnow, params):
    # the objectives add up the terms in x and in T per distinct value and keep only
    # log(1 + e^D) per row: they must equal the sum of eq. (6) and of [FH13] eq. (4)
    # written out customer by customer, also on weighted distinct rows
    x, t_x, T = cdnow["x"], cdnow["t_x"], cdnow["T"]
    by_customer = clv.bg_nbd_log_likelihood(clv.BgNbdParams(*params), x, t_x, T).sum()
    value, _ = objectives.bg_nbd_objective(np.log(params), x, t_x, T, np.ones_like(x))
    assert -value == pytest.approx(by_customer, rel=1e-12)
    (ux, ut, uT), w = objectives.compress(x, t_x, T)
    value, _ = objectives.bg_nbd_objective(np.log(params), ux, ut, uT, w)
    assert -value == pytest.approx(by_customer, rel=1e-12)

    repeat = x > 0
    gg = clv.GammaGammaParams(*params[1:])
    by_customer = clv.gamma_gamma_log_likelihood(gg, x[repeat], cdnow["zbar"][repeat]).sum()
    value, _ = objectives.gamma_gamma_objective(
        np.log(params[1:]), x[repeat], cdnow["zbar"][repeat], np.ones(int(repeat.sum()))
    )
    assert -value == pytest.approx(by_customer, rel=1e-12)


def test_compress_finds_the_distinct_rows_their_counts_and_each_rows_place():
    rng = np.random.default_rng(5)
    columns = [rng.integers(0, 4, 2_000) / 7, rng.integers(0, 3, 2_000), rng.integers(0, 5, 2_000)]
    (a, b, c), counts, inverse = objectives.compress(*columns, return_inverse=True)
    rows, expected = np.unique(np.column_stack(columns), axis=0, return_counts=True)
    found = np.column_stack([a, b, c])
    order = np.lexsort(found.T[::-1])
    assert np.array_equal(found[order], rows)
    assert np.array_equal(counts[order], expected)
    for column, unique in zip(columns, (a, b, c), strict=True):
        assert np.array_equal(unique[inverse], column)
