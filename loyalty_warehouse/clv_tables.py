"""The CLV marts as pandas frames: what the dbt Python models return.

The dbt models (models/marts/ltv/clv_*.py) read `int_clv_customer_summary`, call one
function here and return its frame; the statistics live in `loyalty_warehouse.clv`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from loyalty_warehouse import clv

# Explicit schemas: DuckDB would guess the types of an empty frame's columns.
PARAMS_SCHEMA = pa.schema([
    ("model", pa.string()), ("parameter", pa.string()), ("value", pa.float64()),
    ("std_error", pa.float64()), ("n_customers", pa.int64()),
    ("log_likelihood", pa.float64()), ("converged", pa.bool_()), ("message", pa.string()),
    ("calibration_end", pa.date32()), ("time_unit_days", pa.float64()),
])  # fmt: skip
PREDICTIONS_SCHEMA = pa.schema([
    ("customer_id", pa.string()), ("x", pa.int64()), ("t_x", pa.float64()),
    ("T", pa.float64()), ("m_x", pa.float64()), ("holdout_days", pa.int64()),
    ("holdout_transactions", pa.int64()), ("p_alive", pa.float64()),
    ("expected_transactions", pa.float64()), ("expected_avg_revenue", pa.float64()),
    ("predicted_clv", pa.float64()), ("expected_holdout_transactions", pa.float64()),
])  # fmt: skip
HOLDOUT_SCHEMA = pa.schema([
    ("frequency_bucket", pa.string()), ("calibration_x_min", pa.int64()),
    ("customers", pa.int64()), ("actual_mean_transactions", pa.float64()),
    ("predicted_mean_transactions", pa.float64()), ("holdout_days", pa.int64()),
])  # fmt: skip


def _arrow(frame: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    return pa.Table.from_pandas(frame[schema.names], schema=schema, preserve_index=False)


HOLDOUT_BUCKETS = 8  # calibration x = 0, 1, ..., 6 and 7+


def _sorted(summary: pd.DataFrame) -> pd.DataFrame:
    return summary.sort_values("customer_id", kind="stable").reset_index(drop=True)


def model_params(summary: pd.DataFrame) -> pa.Table:
    """Fit BG/NBD on every customer and Gamma-Gamma on those with x > 0 and spend;
    one row per model and parameter (value null when the fit did not converge)."""
    summary = _sorted(summary)
    calibration_end = (
        pd.Timestamp(summary["calibration_end"].iloc[0]).date() if len(summary) else None
    )
    unit = float(summary["time_unit_days"].iloc[0]) if len(summary) else None
    (x, t_x, T), w = (
        clv.compress(summary["x"], summary["t_x"], summary["T"])
        if len(summary)
        else ([np.array([])] * 3, np.array([]))
    )
    bg = clv.fit_bg_nbd(x, t_x, T, w)
    bg_se = clv.standard_errors(bg, x, t_x, T, w) if bg.converged else {}

    repeat = summary[(summary["x"] > 0) & (summary["m_x"] > 0)]
    (gx, gm), gw = (
        clv.compress(repeat["x"], repeat["m_x"])
        if len(repeat)
        else ([np.array([])] * 2, np.array([]))
    )
    gg = clv.fit_gamma_gamma(gx, gm, gw)
    if gg.converged and gg.params.q <= 1:
        gg = clv.FitResult(gg.params, gg.log_likelihood, gg.n_customers, False,
                           "q <= 1: expected spend is infinite")  # fmt: skip
    gg_se = clv.standard_errors(gg, gx, gm, gw) if gg.converged else {}

    rows = []
    for name, fit, se, names in (
        ("bg_nbd", bg, bg_se, ["r", "alpha", "a", "b"]),
        ("gamma_gamma", gg, gg_se, ["p", "q", "gamma"]),
    ):
        values = fit.params.as_dict() if (fit.converged and fit.params) else {}
        for parameter in names:
            rows.append({
                "model": name,
                "parameter": parameter,
                "value": values.get(parameter),
                "std_error": se.get(parameter),
                "n_customers": fit.n_customers,
                "log_likelihood": fit.log_likelihood if fit.converged else None,
                "converged": fit.converged,
                "message": fit.message,
                "calibration_end": calibration_end,
                "time_unit_days": unit,
            })  # fmt: skip
    return _arrow(pd.DataFrame(rows, columns=PARAMS_SCHEMA.names), PARAMS_SCHEMA)


def _params(params: pd.DataFrame, model: str):
    rows = params[params["model"] == model]
    if rows.empty or not rows["converged"].all():
        return None
    values = dict(zip(rows["parameter"], rows["value"], strict=True))
    return clv.BgNbdParams(**values) if model == "bg_nbd" else clv.GammaGammaParams(**values)


def customer_predictions(
    summary: pd.DataFrame,
    params: pd.DataFrame,
    horizon_days: float,
    annual_discount_rate: float,
) -> pa.Table:
    """One row per customer of the summary: P(alive), expected transactions over the
    horizon, expected spend per transaction, discounted CLV (x margin rate), and
    the predicted and actual transactions in the holdout. Nulls when a model did
    not converge."""
    summary = _sorted(summary)
    out = summary[["customer_id", "x", "t_x", "T", "m_x", "holdout_days",
                   "holdout_transactions"]].copy()  # fmt: skip
    n = len(out)
    bg = _params(params, "bg_nbd")
    gg = _params(params, "gamma_gamma")
    nulls = np.full(n, np.nan)
    alive = expected = spend = value = holdout = nulls
    if n and bg is not None:
        unit = float(summary["time_unit_days"].iloc[0])
        (x, t_x, T), _, index = clv.compress(out["x"], out["t_x"], out["T"], return_inverse=True)
        alive = clv.p_alive(bg, x, t_x, T)[index]
        horizon = horizon_days / unit
        expected = clv.conditional_expected_transactions(bg, horizon, x, t_x, T)[index]
        holdout_t = out["holdout_days"].to_numpy(float) / unit
        holdout = clv.conditional_expected_transactions(
            bg, holdout_t, out["x"], out["t_x"], out["T"]
        )
        if gg is not None:
            spend = clv.conditional_expected_spend(gg, out["x"], out["m_x"].fillna(0.0))
            value, _ = clv.discounted_clv(
                bg, spend, out["x"], out["t_x"], out["T"], horizon_days, unit,
                annual_discount_rate, float(summary["margin_rate"].iloc[0]),
            )  # fmt: skip
    out["p_alive"] = alive
    out["expected_transactions"] = expected
    out["expected_avg_revenue"] = spend
    out["predicted_clv"] = value
    out["expected_holdout_transactions"] = holdout
    return _arrow(out, PREDICTIONS_SCHEMA)


def holdout_validation(predictions: pd.DataFrame) -> pa.Table:
    """Predicted and actual mean repeat transactions in the holdout per calibration
    frequency bucket (x = 0, ..., 6, 7+); empty when there is no holdout."""
    data = predictions[predictions["holdout_days"] > 0]
    if data.empty:
        return HOLDOUT_SCHEMA.empty_table()
    top = HOLDOUT_BUCKETS - 1
    bucket = np.minimum(data["x"].to_numpy(), top).astype(int)
    frame = (
        data.assign(calibration_x_min=bucket)
        .groupby("calibration_x_min", as_index=False)
        .agg(
            customers=("customer_id", "size"),
            actual_mean_transactions=("holdout_transactions", "mean"),
            predicted_mean_transactions=("expected_holdout_transactions", "mean"),
            holdout_days=("holdout_days", "max"),
        )
    )
    frame["frequency_bucket"] = [
        f"{b}+" if b == top else str(b) for b in frame["calibration_x_min"]
    ]
    return _arrow(frame, HOLDOUT_SCHEMA)
