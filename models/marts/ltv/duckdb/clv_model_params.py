"""Fitted BG/NBD and Gamma-Gamma parameters (one row per model and parameter)."""

from loyalty_warehouse.clv.tables import PARAMS_INPUT_COLUMNS, model_params


def model(dbt, session):
    dbt.config(materialized="table")
    summary = dbt.ref("int_clv_customer_summary").select(", ".join(PARAMS_INPUT_COLUMNS))
    return model_params(summary.to_arrow_table())
