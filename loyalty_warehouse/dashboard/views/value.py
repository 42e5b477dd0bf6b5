"""Value: historical and predicted customer value, LTV by segment, the CLV holdout
check, the RFM map. Values are to the build's as-of date, so the month range does
not apply; the customer-level figures follow the segment filters."""

from __future__ import annotations

import plotly.express as px
import streamlit as st

from loyalty_warehouse.dashboard.charts import (
    SEGMENT_LABELS,
    Filters,
    grid,
    measures,
    money,
    scope,
    show,
)
from loyalty_warehouse.dashboard.warehouse import build_facts, query

# customers above this percentile sit in the histogram's last bar
CLIP_PERCENTILE = 0.99


def value(filters: Filters) -> None:
    st.title("Value")
    facts = build_facts()
    currency = facts["currency"]
    scope(
        f"To the as-of date ({facts['as_of_date']}), {filters.segments_text()}: customer "
        "value has no months, so the month range does not apply on this page."
    )
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
        f"Mean predicted CLV ({currency})",
        "-" if customers.empty else f"{customers.predicted_clv.mean():,.2f}",
        help="Mean predicted customer lifetime value of the chosen purchasers.",
    )
    distributions(customers, currency)
    ltv_by_segment(filters, currency)
    holdout()

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


def distributions(customers, currency: str) -> None:
    """Historical revenue and predicted CLV per customer, clipped at a high percentile
    (nearly every customer sits near 0, a few far out)."""
    both = customers.melt(
        value_vars=["historical_revenue", "predicted_clv"], var_name="measure", value_name="amount"
    ).dropna()
    if both.empty:
        return
    clip = float(both.amount.quantile(CLIP_PERCENTILE))
    above = int((both.amount > clip).sum())
    both["amount"] = both.amount.clip(upper=clip)
    both["measure"] = both["measure"].map(
        {"historical_revenue": "Historical revenue", "predicted_clv": "Predicted CLV"}
    )
    figure = px.histogram(
        both,
        x="amount",
        color="measure",
        barmode="overlay",
        nbins=60,
        title="Historical and predicted value per customer",
        labels={"amount": f"Amount ({currency})", "measure": "", "count": "Customers"},
    )
    figure.update_yaxes(title_text="Customers")
    show(figure, "value_distributions")
    scope(
        f"Clipped at the {CLIP_PERCENTILE:.0%} percentile ({money(clip, currency)}): the "
        f"{above:,} values above it are counted in the last bar."
    )


def ltv_by_segment(filters: Filters, currency: str) -> None:
    segments = query("select distinct segment_type from marts.fct_ltv_by_segment order by 1")
    choice = st.selectbox("LTV by", segments.segment_type.tolist(), format_func=SEGMENT_LABELS.get)
    ltv = query(
        "select segment_value, formula_ltv, historical_ltv_per_purchaser "
        "from marts.fct_ltv_by_segment where segment_type = ? order by 1",
        [choice],
    )
    ltv = filters.keep_chosen(ltv, choice)
    measures(
        "bar", ltv, "segment_value",
        {"formula_ltv": "Formula LTV", "historical_ltv_per_purchaser": "Historical LTV"},
        "amount", "value_ltv", title="Lifetime value by segment",
        labels={"segment_value": "", "amount": f"Per purchaser ({currency})"}, barmode="group",
    )  # fmt: skip
    scope(
        "Formula LTV from the 12 months to the as-of date; historical LTV to date. By "
        "segment: a segment filter shows only its own segments here."
    )


def holdout() -> None:
    frame = query(
        "select frequency_bucket, calibration_x_min, actual_mean_transactions, "
        "predicted_mean_transactions from marts.clv_holdout_validation order by 2"
    )
    if frame.empty:
        st.info(
            "No holdout period in this build, so no calibration plot: set the var "
            "clv_calibration_end to a date before the as-of date to have one."
        )
        return
    measures(
        "bar", frame, "frequency_bucket",
        {"actual_mean_transactions": "Actual", "predicted_mean_transactions": "Predicted"},
        "transactions", "value_holdout",
        title="Holdout: repeat transactions per customer",
        labels={"frequency_bucket": "Repeat purchases in calibration",
                "transactions": "Mean in holdout"},
        barmode="group",
    )  # fmt: skip
    scope("Every purchaser of the calibration period: the filters do not apply to the model check.")
