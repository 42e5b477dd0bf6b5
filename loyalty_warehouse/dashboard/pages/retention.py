"""Retention: cohort retention, the monthly flows of customers, survival curves."""

from __future__ import annotations

import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from loyalty_warehouse.dashboard.charts import (
    SEGMENT_LABELS,
    Filters,
    band,
    grid,
    measures,
    percent,
    show,
)
from loyalty_warehouse.dashboard.warehouse import query


def retention(filters: Filters) -> None:
    st.title("Retention")
    cohorts = query(
        """
        select cohort_month, months_since_first_purchase, retention_rate, cohort_size
        from marts.fct_cohort_retention
        where cohort_month between ? and ?
        order by 1, 2
        """,
        filters.months(),
    )
    with_month_one = cohorts[cohorts.months_since_first_purchase == 1]
    if not with_month_one.empty:
        cohort = with_month_one.iloc[-1]
        st.metric(
            f"Month-1 retention, {cohort.cohort_month:%B %Y} cohort",
            percent(cohort.retention_rate),
            help="Share of the cohort's customers who bought again in the month after their "
            f"first purchase ({int(cohort.cohort_size):,} customers).",
        )
    if not cohorts.empty:
        table = cohorts.pivot(
            index="cohort_month", columns="months_since_first_purchase", values="retention_rate"
        )
        table.index = [f"{m:%Y-%m}" for m in table.index]
        grid(table, "retention_heatmap", "Cohort retention", "Blues",
             {"x": "Months since first purchase", "y": "Cohort", "color": "Retained"},
             aspect="auto")  # fmt: skip

    flows = query(
        """
        select month_start_date, customers_start, new_customers, reactivated_customers,
            churned_customers
        from marts.fct_retention_monthly where month_start_date between ? and ? order by 1
        """,
        filters.months(),
    )
    measures(
        "line", flows, "month_start_date",
        {
            "customers_start": "S: at the month's start",
            "new_customers": "N: new",
            "reactivated_customers": "R: reactivated",
            "churned_customers": "L: churned",
        },
        "customers", "retention_flows",
        title="Customers at the start, new, reactivated and churned",
        labels={"month_start_date": "Month", "customers": "Customers"},
    )  # fmt: skip

    types = query("select distinct segment_type from marts.fct_customer_survival order by 1")
    choice = st.selectbox(
        "Survival curves by",
        types.segment_type.tolist(),
        format_func=SEGMENT_LABELS.get,
        index=types.segment_type.tolist().index("acquisition_channel")
        if "acquisition_channel" in types.segment_type.tolist()
        else 0,
    )
    curves = query(
        """
        select segment_value, days_since_first_purchase, survival_probability,
            survival_ci_low, survival_ci_high
        from marts.fct_customer_survival where segment_type = ? order by 1, 2
        """,
        [choice],
    )
    figure = go.Figure()
    for i, (segment, curve) in enumerate(curves.groupby("segment_value")):
        color = px.colors.qualitative.Plotly[i % 10]
        figure.add_trace(
            band(
                curve.days_since_first_purchase,
                curve.survival_ci_low,
                curve.survival_ci_high,
                f"{segment} 95% band",
                fillcolor=color,
                opacity=0.15,
                showlegend=False,
                hoverinfo="skip",
            )  # fmt: skip
        )
        figure.add_trace(
            go.Scatter(
                x=curve.days_since_first_purchase,
                y=curve.survival_probability,
                mode="lines",
                line={"shape": "hv", "color": color},
                name=str(segment),
            )
        )
    figure.update_layout(
        title="Kaplan-Meier survival (not yet churned), with 95% bands",
        xaxis_title="Days since first purchase",
        yaxis_title="Share not churned",
        yaxis_tickformat=".0%",
    )
    show(figure, "retention_survival")
