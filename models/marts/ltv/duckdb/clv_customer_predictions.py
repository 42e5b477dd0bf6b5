"""Per-customer BTYD predictions: P(alive), expected transactions, spend and CLV."""

from loyalty_warehouse.clv.tables import customer_predictions


def model(dbt, session):
    dbt.config(materialized="table")
    summary = dbt.ref("int_clv_customer_summary").to_arrow_table()
    params = dbt.ref("clv_model_params").to_arrow_table()
    return customer_predictions(
        summary,
        params,
        horizon_days=float(dbt.config.get("clv_horizon_days")),
        annual_discount_rate=float(dbt.config.get("clv_annual_discount_rate")),
    )
