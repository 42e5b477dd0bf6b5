"""Predictive CLV: BG/NBD and Gamma-Gamma fits, likelihoods, predictions, the marts' tables.

models.py holds the parameters, the readable likelihoods and the fits; objectives.py
the fast likelihoods the fits minimise; predictions.py what a fitted model predicts;
tables.py the CLV marts as Arrow tables (what the dbt models call). The statistics are
re-exported here: `from loyalty_warehouse import clv; clv.fit_bg_nbd(...)`.
"""

from loyalty_warehouse.clv.models import (
    MIN_REPEAT_BUYERS,
    BgNbdParams,
    FitResult,
    GammaGammaParams,
    bg_nbd_log_likelihood,
    fit_bg_nbd,
    fit_gamma_gamma,
    gamma_gamma_log_likelihood,
    standard_errors,
)
from loyalty_warehouse.clv.objectives import compress
from loyalty_warehouse.clv.predictions import (
    conditional_expected_spend,
    conditional_expected_transactions,
    discounted_clv,
    expected_transactions,
    expected_transactions_if_alive,
    p_alive,
)

__all__ = [
    "MIN_REPEAT_BUYERS", "BgNbdParams", "FitResult", "GammaGammaParams",
    "bg_nbd_log_likelihood", "compress", "conditional_expected_spend",
    "conditional_expected_transactions", "discounted_clv", "expected_transactions",
    "expected_transactions_if_alive", "fit_bg_nbd", "fit_gamma_gamma",
    "gamma_gamma_log_likelihood", "p_alive", "standard_errors",
]  # fmt: skip
