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
