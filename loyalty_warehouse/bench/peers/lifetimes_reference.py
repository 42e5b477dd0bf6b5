"""The CLV models' work done with lifetimes, for `loyalty bench` to time.

Run by the bench in a virtual environment of its own (lifetimes 0.11 needs older
numpy, pandas and scipy than the project), so it imports nothing of the project:

    python lifetimes_reference.py SUMMARY.csv REPEAT HORIZON_DAYS ANNUAL_DISCOUNT_RATE

SUMMARY.csv is `int_clv_customer_summary` (x, t_x, T, m_x, holdout_days,
holdout_transactions, time_unit_days, margin_rate). Each repeat does what the three
CLV models do, on the same customers: the BG/NBD fit, the Gamma-Gamma fit on the
repeat buyers, P(alive), the expected transactions over the horizon, the expected
spend and the discounted CLV (lifetimes' own monthly sum) of every customer, and the
holdout table (predicted and actual mean transactions per calibration frequency).
Prints one JSON object: the seconds of each repeat (the CSV read left out, as dbt's
read of the summary is left out of the models' time) and the fitted parameters.
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np
import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter


def clv_work(d: pd.DataFrame, horizon_days: float, annual_rate: float) -> dict:
    unit = float(d["time_unit_days"].iloc[0])
    x, t_x, T, m_x = d["x"], d["t_x"], d["T"], d["m_x"].fillna(0.0)
    bg = BetaGeoFitter().fit(x, t_x, T)
    repeat = (x > 0) & (m_x > 0)
    gg = GammaGammaFitter().fit(x[repeat], m_x[repeat])

    alive = bg.conditional_probability_alive(x, t_x, T)
    expected = bg.conditional_expected_number_of_purchases_up_to_time(
        horizon_days / unit, x, t_x, T
    )
    spend = gg.conditional_expected_average_profit(x, m_x)
    monthly_rate = (1 + annual_rate) ** (1 / 12) - 1
    value = gg.customer_lifetime_value(
        bg, x, t_x, T, m_x, time=round(horizon_days / (365.25 / 12)), freq="W",
        discount_rate=monthly_rate,
    ) * d["margin_rate"].iloc[0]  # fmt: skip

    holdout = bg.conditional_expected_number_of_purchases_up_to_time(
        d["holdout_days"] / unit, x, t_x, T
    )
    kept = d["holdout_days"] > 0
    table = (
        pd.DataFrame({
            "bucket": np.minimum(x[kept], 7),
            "actual": d["holdout_transactions"][kept],
            "predicted": holdout[kept],
        })
        .groupby("bucket")
        .agg(customers=("actual", "size"), actual=("actual", "mean"),
             predicted=("predicted", "mean"))
    )  # fmt: skip
    return {
        "bg_nbd": bg.params_.to_dict(),
        "gamma_gamma": gg.params_.to_dict(),
        "customers": int(len(d)),
        "mean_p_alive": float(np.mean(alive)),
        "mean_expected_transactions": float(np.mean(expected)),
        "mean_spend": float(np.mean(spend)),
        "mean_clv": float(np.mean(value)),
        "holdout_buckets": int(len(table)),
    }


def main() -> None:
    path, repeat, horizon, rate = sys.argv[1:5]
    d = pd.read_csv(path)
    times, result = [], {}
    for _ in range(int(repeat)):
        started = time.perf_counter()
        result = clv_work(d, float(horizon), float(rate))
        times.append(time.perf_counter() - started)
    print(json.dumps({"seconds": times, **result}))


if __name__ == "__main__":
    main()
