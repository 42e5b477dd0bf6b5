"""The CLV models against lifetimes and pymc-marketing doing the same work on the same
customers, and the BG/NBD fits alone side by side. Each peer lives in a venv of its
own under target/, never in the project's: lifetimes 0.11.3 (2020) needs numpy < 2
and an older pandas and scipy; pymc-marketing (its successor, MAP fits) brings PyMC,
PyTensor and ArviZ, pinned in bench/peers/pymc-marketing.lock. The scripts each peer runs
live in bench/peers/ and import nothing of the project (fit_timing.py's `ours` excepted,
which runs in the project's environment)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from loyalty_warehouse.bench.measure import ROOT, Step, build_results
from loyalty_warehouse.bench.workspace import BIN, Workspace
from loyalty_warehouse.paths import project_var

LIFETIMES_PINS = ["lifetimes==0.11.3", "numpy==1.26.4", "pandas==2.1.4", "scipy==1.11.4"]
CLV_MODELS = ("clv_model_params", "clv_customer_predictions", "clv_holdout_validation")
# run by path, in the peers' venvs
PEERS = Path(__file__).with_name("peers")
PYMC_LOCK = PEERS / "pymc-marketing.lock"


def peer_python(name: str, pip_args: list[str]) -> Path:
    """A peer's own venv, made once under target/ and shared by every bench run."""
    venv = ROOT / "target" / f"{name}-venv"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.check_call([sys.executable, "-m", "venv", str(venv)])
        subprocess.check_call([str(python), "-m", "pip", "install", "--quiet", *pip_args])
    return python


def lifetimes_python() -> Path:
    return peer_python("lifetimes", LIFETIMES_PINS)


def pymc_python() -> Path:
    return peer_python("pymc", ["--no-deps", "-r", str(PYMC_LOCK)])


def _last_json(cmd: list[str], env: dict | None = None):
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench(space: Workspace, repeat: int, steps: dict[str, Step], progress,
          pymc: bool = True) -> dict:  # fmt: skip
    """Adds the steps clv_models, lifetimes_clv, pymc_clv (when ``pymc``), lifetimes and
    bg_nbd_fit; returns lifetimes' fitted parameters and pymc-marketing's (under
    "pymc_marketing") beside ours."""
    import duckdb

    # the CLV models alone, as lifetimes' fit runs alone: inside a build they share the
    # two cores with three other threads. The sum of the three nodes' times: dbt's
    # start is left out, as the Python start and the CSV read are left out of
    # lifetimes' time.
    step = steps["clv_models"] = Step("CLV models (params, predictions, holdout)")
    for i in range(repeat):
        progress(f"CLV models alone {i + 1}/{repeat}")
        space.run([str(BIN / "dbt"), "run", "--project-dir", str(ROOT), "--select",
                   *CLV_MODELS], space.folder / "raw")  # fmt: skip
        step.seconds.append(sum(r["execution_time"] for r in build_results(space.target)
                                if r["unique_id"].split(".")[-1] in CLV_MODELS))  # fmt: skip

    progress("lifetimes doing the CLV models' work on the same customers")
    summary = space.folder / "clv_summary.csv"
    with duckdb.connect(str(space.db), read_only=True) as con:
        con.sql('select x, t_x, "T", m_x, holdout_days, holdout_transactions, '
                "time_unit_days, margin_rate from intermediate.int_clv_customer_summary "
                "order by customer_id").write_csv(str(summary))  # fmt: skip
    horizon, rate = project_var("clv_horizon_days"), project_var("clv_annual_discount_rate")
    python = str(lifetimes_python())
    reference = _last_json([python, str(PEERS / "lifetimes_reference.py"), str(summary),
                            str(repeat), str(horizon), str(rate)])  # fmt: skip
    # the same fit on both sides: our parameters beside lifetimes' (its Gamma-Gamma
    # scale is called v where the papers and we say gamma)
    with duckdb.connect(str(space.db), read_only=True) as con:
        reference["ours"] = {
            f"{model}.{parameter}": value
            for model, parameter, value in con.execute(
                "select model, parameter, value from marts.clv_model_params"
            ).fetchall()
        }
    steps["lifetimes_clv"] = Step("lifetimes, the CLV models' work", reference.pop("seconds"))
    if pymc:
        progress("pymc-marketing (MAP fits) doing the CLV models' work on the same customers")
        found = _last_json([str(pymc_python()), str(PEERS / "pymc_reference.py"), str(summary),
                            str(repeat), str(horizon), str(rate)])  # fmt: skip
        steps["pymc_clv"] = Step("pymc-marketing (MAP), the CLV models' work",
                                 found.pop("seconds"))  # fmt: skip
        reference["pymc_marketing"] = found
    fits = [str(PEERS / "fit_timing.py"), str(summary), str(repeat)]
    steps["lifetimes"] = Step("lifetimes BetaGeoFitter.fit",
                              _last_json([python, fits[0], "lifetimes", *fits[1:]]))  # fmt: skip
    steps["bg_nbd_fit"] = Step("our BG/NBD fit alone (clv.fit_bg_nbd)",
                               _last_json([sys.executable, fits[0], "ours", *fits[1:]],
                                          space.env))  # fmt: skip
    return reference
