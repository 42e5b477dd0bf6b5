"""Predicted vs actual repeat transactions in the holdout, per calibration frequency."""

from loyalty_warehouse.clv_tables import holdout_validation


def model(dbt, session):
    dbt.config(materialized="table")
    return holdout_validation(dbt.ref("clv_customer_predictions").fetch_arrow_table())
