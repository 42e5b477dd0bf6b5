"""The CLV models' work done with pymc-marketing, for `loyalty bench` to time.

pymc-marketing is the successor lifetimes' maintainers name (BG/NBD, Gamma-Gamma,
fitted by MCMC or MAP). Run by the bench in a virtual environment of its own
(target/pymc-venv: PyMC, PyTensor and ArviZ are not the project's dependencies), so it
imports nothing of the project:

    python pymc_reference.py SUMMARY.csv REPEAT HORIZON_DAYS ANNUAL_DISCOUNT_RATE

SUMMARY.csv and the work are lifetimes_reference.py's: the BG/NBD fit, the
Gamma-Gamma fit on the repeat buyers, P(alive), the expected transactions over the
horizon, the expected spend and the discounted CLV (monthly sum) of every customer,
and the holdout table. The fits are MAP fits (`fit(method="map")`, `pymc.find_MAP`)
with flat priors on the parameters (pymc-marketing's Gamma-Gamma default; for BG/NBD
`a`, `b`, `alpha`, `r` given HalfFlat priors instead of its default weakly
informative ones): the maximum of the likelihood, the same estimate as lifetimes' and
ours, so that the parameters can be compared. Prints one JSON object: the seconds of
each repeat, after one untimed run that compiles PyTensor's graphs (its seconds are
`first_seconds`: a daily build would pay them in each new process), the CSV read left
out, and the fitted parameters.
"""

from __future__ import annotations

import json
import sys
import time
import warnings

import numpy as np
import pandas as pd


def clv_work(d: pd.DataFrame, horizon_days: float, annual_rate: float) -> dict:
    from pymc_extras.prior import Prior
    from pymc_marketing.clv import BetaGeoModel, GammaGammaModel

    unit = float(d["time_unit_days"].iloc[0])
    data = pd.DataFrame({
        "customer_id": np.arange(len(d)),
        "frequency": d["x"].to_numpy(),
        "recency": d["t_x"].to_numpy(),
        "T": d["T"].to_numpy(),
        "monetary_value": d["m_x"].fillna(0.0).to_numpy(),
    })  # fmt: skip
    flat = {name: Prior("HalfFlat") for name in ("a", "b", "alpha", "r")}
    bg = BetaGeoModel(model_config=flat)
    bg.fit(data=data[["customer_id", "frequency", "recency", "T"]], method="map",
           progressbar=False)  # fmt: skip
    repeat = data[(data["frequency"] > 0) & (data["monetary_value"] > 0)]
    gg = GammaGammaModel()
    gg.fit(data=repeat[["customer_id", "frequency", "monetary_value"]], method="map",
           progressbar=False)  # fmt: skip

    alive = bg.expected_probability_alive(data)
    expected = bg.expected_purchases(data, future_t=horizon_days / unit)
    spend = gg.expected_customer_spend(data)
    monthly_rate = (1 + annual_rate) ** (1 / 12) - 1
    value = gg.expected_customer_lifetime_value(
        transaction_model=bg, data=data.copy(), future_t=round(horizon_days / (365.25 / 12)),
        discount_rate=monthly_rate, time_unit="W",
    ) * d["margin_rate"].iloc[0]  # fmt: skip

    holdout = bg.expected_purchases(data, future_t=(d["holdout_days"] / unit).to_numpy())
    kept = (d["holdout_days"] > 0).to_numpy()
    table = (
        pd.DataFrame({
            "bucket": np.minimum(d["x"].to_numpy()[kept], 7),
            "actual": d["holdout_transactions"].to_numpy()[kept],
            "predicted": holdout.mean(("chain", "draw")).to_numpy()[kept],
        })
        .groupby("bucket")
        .agg(customers=("actual", "size"), actual=("actual", "mean"),
             predicted=("predicted", "mean"))
    )  # fmt: skip

    def params(model, names) -> dict:
        posterior = model.idata.posterior
        return {n: float(posterior[n].mean()) for n in names}

    return {
        "bg_nbd": params(bg, ("r", "alpha", "a", "b")),
        # pymc-marketing calls the Gamma-Gamma scale v, as lifetimes does
        "gamma_gamma": params(gg, ("p", "q", "v")),
        "customers": int(len(d)),
        "mean_p_alive": float(alive.mean()),
        "mean_expected_transactions": float(expected.mean()),
        "mean_spend": float(spend.mean()),
        "mean_clv": float(value.mean()),
        "holdout_buckets": int(len(table)),
    }


def main() -> None:
    path, repeat, horizon, rate = sys.argv[1:5]
    warnings.simplefilter("ignore")
    d = pd.read_csv(path)
    started = time.perf_counter()
    clv_work(d, float(horizon), float(rate))
    first = time.perf_counter() - started
    times, result = [], {}
    for _ in range(int(repeat)):
        started = time.perf_counter()
        result = clv_work(d, float(horizon), float(rate))
        times.append(time.perf_counter() - started)
    print(json.dumps({"seconds": times, "first_seconds": first, **result}))


if __name__ == "__main__":
    main()
