"""The benchmark's own bookkeeping (the timed runs are `make bench`, not tests)."""

from __future__ import annotations

from loyalty_warehouse.bench import not_passed


def test_not_passed_names_every_node_that_warned_failed_or_errored():
    results = [
        {"unique_id": "model.loyalty_warehouse.fct_orders", "status": "success"},
        {"unique_id": "test.loyalty_warehouse.unique_fct_orders_order_id.1a", "status": "pass"},
        # an exposure is listed, never run
        {"unique_id": "exposure.loyalty_warehouse.dashboard_overview", "status": "no-op"},
        {"unique_id": "test.loyalty_warehouse.clv_models_converged", "status": "warn"},
        {"unique_id": "model.loyalty_warehouse.clv_model_params", "status": "error"},
        {"unique_id": "test.loyalty_warehouse.between_nps", "status": "fail"},
    ]
    assert not_passed(results) == (
        "ERROR clv_model_params; FAIL between_nps; WARN clv_models_converged"
    )
    assert not_passed(results[:3]) == ""


def test_sampled_peak_memory_counts_the_grandchildren(tmp_path):
    """A Spark session's JVM is a grandchild of the build's process: the sampled peak
    includes it (200 MB held by a grandchild for a second)."""
    import os
    import sys

    from loyalty_warehouse.bench.measure import run_sampled

    hold = "x = bytearray(200 * 1024 * 1024); import time; time.sleep(1.5)"
    parent = f"import subprocess, sys; subprocess.call([sys.executable, '-c', {hold!r}])"
    seconds, peak_mb = run_sampled([sys.executable, "-c", parent], dict(os.environ),
                                    tmp_path / "log")  # fmt: skip
    assert seconds >= 1.5
    assert 200 <= peak_mb < 400
