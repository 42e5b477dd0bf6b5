"""The CLV marts as Arrow tables: what the dbt Python models read and return.

The dbt models (models/marts/ltv/duckdb/clv_*.py) read `int_clv_customer_summary` as an
Arrow table, call one function here and return its table (on Spark, the table functions
of loyalty_warehouse.spark.functions call the same ones); the statistics live beside
this module (models.py, objectives.py, predictions.py). Arrow, not pandas: at a million
customers, turning the summary into a pandas frame (a Python string per customer id)
and back cost more than the predictions themselves.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from loyalty_warehouse.clv import models, objectives, predictions

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


def _numbers(table: pa.Table, name: str) -> np.ndarray:
    """A numeric column as floats, nulls as NaN."""
    return table.column(name).to_numpy(zero_copy_only=False).astype(float)


def _in_value_order(*columns: np.ndarray) -> tuple[np.ndarray, ...]:
    """The rows of the columns sorted by their values, the first column first."""
    order = np.lexsort(columns[::-1])
    return tuple(column[order] for column in columns)


def _first(table: pa.Table, name: str):
    return table.column(name)[0].as_py() if table.num_rows else None


HOLDOUT_BUCKETS = 8  # calibration x = 0, 1, ..., 6 and 7+
# the prediction columns holdout_validation reads
HOLDOUT_INPUT_COLUMNS = (
    "x",
    "holdout_days",
    "holdout_transactions",
    "expected_holdout_transactions",
)


# the summary columns model_params reads
PARAMS_INPUT_COLUMNS = ("x", "t_x", '"T"', "m_x", "calibration_end", "time_unit_days")


def model_params(summary: pa.Table) -> pa.Table:
    """Fit BG/NBD on every customer and Gamma-Gamma on those with x > 0 and spend;
    one row per model and parameter (value null when the fit did not converge)."""
    calibration_end = _first(summary, "calibration_end")
    unit = _first(summary, "time_unit_days")
    x, t_x, T, m_x = (_numbers(summary, c) for c in ("x", "t_x", "T", "m_x"))

    # BG/NBD is fitted on the distinct (x, t_x, T) rows, each weighted by the number of
    # customers who share it. The optimiser sums the rows' terms in the order it is
    # given them: in the order of their values, the fit is the same whatever order the
    # engine scanned the customers in (DuckDB's threads, Spark's partitions, a file)
    (distinct_x, distinct_t_x, distinct_T), customers_per_row = objectives.compress(x, t_x, T)
    distinct_x, distinct_t_x, distinct_T, customers_per_row = _in_value_order(
        distinct_x, distinct_t_x, distinct_T, customers_per_row
    )
    distinct = {"x": distinct_x, "t_x": distinct_t_x, "T": distinct_T}
    bg = models.fit_bg_nbd(**distinct, weights=customers_per_row)
    bg_se = (
        models.standard_errors(bg, **distinct, weights=customers_per_row) if bg.converged else {}
    )

    repeat = (x > 0) & (m_x > 0)  # NaN spend compares false
    # no compression: spend is continuous, few buyers share (x, m_x)
    gx, gm = _in_value_order(x[repeat], m_x[repeat])
    gg = models.fit_gamma_gamma(gx, gm)
    if gg.converged and gg.params.q <= 1:
        gg = models.FitResult(gg.params, gg.log_likelihood, gg.n_customers, False,
                           "q <= 1: expected spend is infinite")  # fmt: skip
    gg_se = models.standard_errors(gg, x=gx, m_x=gm) if gg.converged else {}

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
    return pa.Table.from_pylist(rows, schema=PARAMS_SCHEMA)


def _params(params: pa.Table, model: str):
    rows = [row for row in params.to_pylist() if row["model"] == model]
    if not rows or not all(row["converged"] for row in rows):
        return None
    values = {row["parameter"]: row["value"] for row in rows}
    return models.BgNbdParams(**values) if model == "bg_nbd" else models.GammaGammaParams(**values)


def customer_predictions(
    summary: pa.Table,
    params: pa.Table,
    horizon_days: float,
    annual_discount_rate: float,
) -> pa.Table:
    """One row per customer of the summary: P(alive), expected transactions over the
    horizon, expected spend per transaction, discounted CLV (x margin rate), and
    the predicted and actual transactions in the holdout. Nulls when a model did
    not converge."""
    n = summary.num_rows
    bg = _params(params, "bg_nbd")
    gg = _params(params, "gamma_gamma")
    nulls = np.full(n, np.nan)
    alive = expected = spend = value = holdout = nulls
    if n and bg is not None:
        unit = float(_first(summary, "time_unit_days"))
        x, t_x, T, m_x = (_numbers(summary, c) for c in ("x", "t_x", "T", "m_x"))
        alive = predictions.p_alive(bg, x, t_x, T)
        holdout_t = _numbers(summary, "holdout_days") / unit
        # E[Y(t) | x, t_x, T] = P(alive) E[Y(t) | x, T, alive], [FHL05a] eq. (10)
        holdout = predictions.expected_transactions_if_alive(bg, holdout_t, x, T) * alive
        if gg is not None:
            spend = predictions.conditional_expected_spend(gg, x, np.nan_to_num(m_x, nan=0.0))
            # the discounted sum also gives the expected transactions over the horizon
            value, expected = predictions.discounted_clv(
                bg, spend, x, t_x, T, horizon_days, unit,
                annual_discount_rate, float(_first(summary, "margin_rate")), alive,
            )  # fmt: skip
        else:
            expected = (
                predictions.expected_transactions_if_alive(bg, horizon_days / unit, x, T) * alive
            )
    computed = {
        "p_alive": alive,
        "expected_transactions": expected,
        "expected_avg_revenue": spend,
        "predicted_clv": value,
        "expected_holdout_transactions": holdout,
    }
    columns = [
        # NaN (a model that did not converge) becomes null
        pa.array(computed[f.name], type=f.type, from_pandas=True)
        if f.name in computed
        else summary.column(f.name).cast(f.type)
        for f in PREDICTIONS_SCHEMA
    ]
    return pa.Table.from_arrays(columns, schema=PREDICTIONS_SCHEMA)


def holdout_validation(predictions: pa.Table) -> pa.Table:
    """Predicted and actual mean repeat transactions in the holdout per calibration
    frequency bucket (x = 0, ..., 6, 7+); empty when there is no holdout."""
    holdout_days = _numbers(predictions, "holdout_days")
    kept = holdout_days > 0
    if not kept.any():
        return HOLDOUT_SCHEMA.empty_table()
    top = HOLDOUT_BUCKETS - 1
    bucket = np.minimum(_numbers(predictions, "x")[kept], top).astype(int)
    customers = np.bincount(bucket, minlength=HOLDOUT_BUCKETS)
    present = np.flatnonzero(customers)

    def mean(column: str) -> np.ndarray:
        total = np.bincount(bucket, _numbers(predictions, column)[kept], HOLDOUT_BUCKETS)
        return total[present] / customers[present]

    longest = np.zeros(HOLDOUT_BUCKETS)
    np.maximum.at(longest, bucket, holdout_days[kept])
    return pa.table({
        "frequency_bucket": [f"{b}+" if b == top else str(b) for b in present],
        "calibration_x_min": pa.array(present, pa.int64()),
        "customers": pa.array(customers[present], pa.int64()),
        "actual_mean_transactions": mean("holdout_transactions"),
        "predicted_mean_transactions": pa.array(
            mean("expected_holdout_transactions"), from_pandas=True
        ),
        "holdout_days": pa.array(longest[present], pa.int64()),
    }, schema=HOLDOUT_SCHEMA)  # fmt: skip
