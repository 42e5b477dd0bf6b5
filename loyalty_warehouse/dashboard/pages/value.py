"""Value: historical and predicted customer value, LTV by segment, the CLV holdout
check, the RFM map."""

from __future__ import annotations

import plotly.express as px
import streamlit as st

from loyalty_warehouse.dashboard.charts import SEGMENT_LABELS, Filters, grid, measures, show
from loyalty_warehouse.dashboard.warehouse import query


def value(filters: Filters) -> None:
    st.title("Value")
    where, params = filters.customer_filter()
    customers = query(
        f"""
        select historical_revenue, predicted_clv, recency_score, frequency_score,
            rfm_segment
        from marts.dim_customers as customers
        where {where} and is_purchaser
        """,
        params,
    )
    st.metric(
        "Mean predicted CLV",
        "-" if customers.empty else f"{customers.predicted_clv.mean():,.2f}",
        help="Mean predicted customer lifetime value of the chosen purchasers.",
    )
    both = customers.melt(
        value_vars=["historical_revenue", "predicted_clv"], var_name="measure", value_name="amount"
    ).dropna()
    both["measure"] = both["measure"].map(
        {"historical_revenue": "Historical revenue", "predicted_clv": "Predicted CLV"}
    )
    figure = px.histogram(
        both,
        x="amount",
        color="measure",
        barmode="overlay",
        nbins=60,
        title="Historical and predicted customer value",
        labels={"amount": "Amount", "measure": ""},
    )
    show(figure, "value_distributions")

    segments = query("select distinct segment_type from marts.fct_ltv_by_segment order by 1")
    choice = st.selectbox("LTV by", segments.segment_type.tolist(), format_func=SEGMENT_LABELS.get)
    ltv = query(
        "select segment_value, formula_ltv, historical_ltv_per_purchaser "
        "from marts.fct_ltv_by_segment where segment_type = ? order by 1",
        [choice],
    )
    measures(
        "bar", ltv, "segment_value",
        {"formula_ltv": "Formula LTV", "historical_ltv_per_purchaser": "Historical LTV"},
        "amount", "value_ltv", title="Lifetime value by segment",
        labels={"segment_value": "", "amount": "Per purchaser"}, barmode="group",
    )  # fmt: skip

    holdout = query(
        "select frequency_bucket, calibration_x_min, actual_mean_transactions, "
        "predicted_mean_transactions from marts.clv_holdout_validation order by 2"
    )
    if holdout.empty:
        st.info(
            "No holdout period in this build, so no calibration plot: set the var "
            "clv_calibration_end to a date before the as-of date to have one."
        )
    else:
        measures(
            "bar", holdout, "frequency_bucket",
            {"actual_mean_transactions": "Actual", "predicted_mean_transactions": "Predicted"},
            "transactions", "value_holdout",
            title="Holdout: repeat transactions per customer",
            labels={"frequency_bucket": "Repeat purchases in calibration",
                    "transactions": "Mean in holdout"},
            barmode="group",
        )  # fmt: skip

    rfm = (
        customers.dropna(subset=["recency_score", "frequency_score"])
        .groupby(["recency_score", "frequency_score"])
        .size()
        .reset_index(name="customers")
    )
    table = rfm.pivot(index="frequency_score", columns="recency_score", values="customers")
    grid(table.fillna(0), "value_rfm", "RFM map: customers by recency and frequency score",
         "Greens", {"x": "Recency score", "y": "Frequency score", "color": "Customers"},
         origin="lower")  # fmt: skip
