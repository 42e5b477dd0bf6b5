"""Predicted vs actual repeat transactions in the holdout, per calibration frequency."""

from loyalty_warehouse.clv.tables import HOLDOUT_INPUT_COLUMNS, holdout_validation


def model(dbt, session):
    dbt.config(materialized="table")
    # only the columns it aggregates: reading all twelve took longer than the work
    predictions = dbt.ref("clv_customer_predictions").select(", ".join(HOLDOUT_INPUT_COLUMNS))
    return holdout_validation(predictions.to_arrow_table())
