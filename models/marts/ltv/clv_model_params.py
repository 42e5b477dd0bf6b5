"""Fitted BG/NBD and Gamma-Gamma parameters (one row per model and parameter)."""

from loyalty_warehouse.clv_tables import model_params


def model(dbt, session):
    dbt.config(materialized="table")
    summary = dbt.ref("int_clv_customer_summary").fetch_arrow_table()
    return model_params(summary)
