"""The CLV models through dbt: holdout validation, wrapper = direct fit, bad cases."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from typer.testing import CliRunner

from conftest import FIXTURES, run_dbt
from loyalty_warehouse import clv
from loyalty_warehouse import generate as g
from loyalty_warehouse.cli import app

pytestmark = pytest.mark.dbt


@pytest.fixture(scope="module")
def holdout_build(tmp_path_factory):
    """8,000 customers; calibrate up to 2025-06-30, hold out the last six months.

    Without seasonality: BG/NBD has none, and a July-December holdout holds the
    December peak (about 9% more purchases than an average half-year at the demo's
    amplitude), which the model cannot foresee."""
    tmp = tmp_path_factory.mktemp("clv")
    cfg = g.GeneratorConfig(customers=8_000, seed=23, seasonality=0.0)
    g.write_raw(cfg, tmp / "raw")
    result = run_dbt(tmp / "raw", tmp / "warehouse.duckdb",
                     vars_="{clv_calibration_end: '2025-06-30'}")  # fmt: skip
    assert result.returncode == 0, result.output
    return result


def test_params_are_the_direct_fit_of_the_summary(holdout_build):
    rows = holdout_build.query('select x, t_x, "T" from intermediate.int_clv_customer_summary')
    x, t_x, T = (np.array(c, dtype=float) for c in zip(*rows, strict=True))
    direct = clv.fit_bg_nbd(x, t_x, T)
    stored = dict(
        holdout_build.query(
            "select parameter, value from marts.clv_model_params where model = 'bg_nbd'"
        )
    )
    for name, value in direct.params.as_dict().items():
        assert stored[name] == pytest.approx(value, rel=1e-6), name
    calibration = holdout_build.query("select distinct calibration_end from marts.clv_model_params")
    assert [c[0].isoformat() for c in calibration] == ["2025-06-30"]


def test_clv_fit_command_refits_the_stored_parameters(holdout_build):
    """`loyalty clv-fit` refits what clv_model_params stored, from the warehouse."""
    result = CliRunner().invoke(
        app, ["clv-fit", "--db", str(holdout_build.db_path), "--repeat", "1"]
    )
    assert result.exit_code == 0, result.output
    customers = holdout_build.query("select count(*) from intermediate.int_clv_customer_summary")
    assert f"{customers[0][0]:,} customers fitted" in result.output
    stored = holdout_build.query(
        "select parameter, value from marts.clv_model_params where model = 'bg_nbd'"
    )
    assert len(stored) == 4
    for parameter, value in stored:
        assert re.search(rf"{parameter}\s.*\s{value:.4f}\s", result.output), parameter


def test_holdout_predictions_track_actual_transactions(holdout_build):
    rows = holdout_build.query(
        "select frequency_bucket, customers, actual_mean_transactions, "
        "predicted_mean_transactions, holdout_days from marts.clv_holdout_validation "
        "order by calibration_x_min"
    )
    assert [r[0] for r in rows] == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    assert {r[4] for r in rows} == {184}  # 2025-06-30 to 2025-12-31
    customers = sum(r[1] for r in rows)
    actual = sum(r[1] * r[2] for r in rows) / customers
    predicted = sum(r[1] * r[3] for r in rows) / customers
    # one model fitted on a pooled mix of five channels: within 10%
    assert predicted == pytest.approx(actual, rel=0.10)
    # bucket by bucket too (x = 0 is high: mostly customers acquired just before the
    # calibration end, still buying; the model knows that from their small T)
    for bucket, _, actual_mean, predicted_mean, _ in rows:
        assert predicted_mean == pytest.approx(actual_mean, rel=0.3), bucket
    assert rows[-1][2] == max(r[2] for r in rows) and rows[-1][3] == max(r[3] for r in rows)


def test_gamma_gamma_on_demo_is_close_to_the_truth(holdout_build, tmp_path_factory):
    truth = g.GAMMA_GAMMA_TRUTH
    rows = holdout_build.query(
        "select parameter, value, std_error from marts.clv_model_params where model = 'gamma_gamma'"
    )
    for name, value, se in rows:
        assert abs(value - truth[name]) < 4 * se, (name, value, se)


@pytest.mark.parametrize("fixture", ["minimal", "no_purchases"])
def test_too_little_data_warns_and_leaves_predictions_null(dbt_build, fixture):
    result = dbt_build(FIXTURES / fixture)
    assert result.returncode == 0, result.output
    warnings = [line for line in result.output.splitlines() if "WARN" in line and "clv" in line]
    assert len(warnings) == 1 and "clv_models_converged" in warnings[0]
    params = result.query("select distinct converged, value is null from marts.clv_model_params")
    assert params == [(False, True)]
    assert result.query(
        "select count(*) from marts.dim_customers where p_alive is not null "
        "or predicted_clv is not null"
    ) == [(0,)]
    assert result.query("select count(*) from marts.clv_holdout_validation") == [(0,)]


def test_truth_json_documents_the_parameters(tmp_path):
    g.write_raw(g.GeneratorConfig(customers=300, seed=1), tmp_path)
    truth = json.loads((tmp_path / "truth.json").read_text())
    assert truth["bg_nbd"]["organic"] == g.BG_NBD_TRUTH["organic"]
    assert truth["time_unit_days"] == 7
