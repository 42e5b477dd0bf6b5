"""python fit_timing.py lifetimes|ours SUMMARY.csv REPEAT: the BG/NBD fit alone on
the customers of SUMMARY.csv (int_clv_customer_summary), timed REPEAT times; prints
the seconds as one JSON list. `lifetimes` runs in lifetimes' own venv and imports
nothing of the project; `ours` times clv.fit_bg_nbd the same way (the reduction to
distinct (x, t_x, T) included, the standard errors left out)."""

import json
import sys
import time

import pandas as pd


def main(which: str, summary: str, repeat: int) -> list[float]:
    d = pd.read_csv(summary)
    if which == "lifetimes":
        from lifetimes import BetaGeoFitter

        def fit():
            BetaGeoFitter().fit(d["x"], d["t_x"], d["T"])
    else:
        from loyalty_warehouse import clv

        def fit():
            (x, t_x, T), weights = clv.compress(d["x"], d["t_x"], d["T"])
            clv.fit_bg_nbd(x, t_x, T, weights)

    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fit()
        times.append(time.perf_counter() - started)
    return times


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2], int(sys.argv[3]))))
