"""Retention: cohort retention, the monthly flows of customers, survival curves. The
cohorts and flows are the chosen customers' months; the survival curves are by
segment over every customer's history, as the caption under them says."""

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
    scope,
    show,
)
from loyalty_warehouse.dashboard.warehouse import build_facts, query


def retention(filters: Filters) -> None:
    st.title("Retention")
    where, params = filters.customer_filter()
    cohorts = query(
        f"""
        select
            cast(date_trunc('month', months.first_purchase_date) as date) as cohort_month,
            months.months_since_first_purchase,
            count(*) as cohort_size,
            count(case when months.purchases > 0 then 1 end) / count(*) as retention_rate
        from marts.fct_customer_months as months
        inner join marts.dim_customers as customers
            on months.customer_id = customers.customer_id
        where
            date_trunc('month', months.first_purchase_date) between ? and ?
            and months.month_start_date <= ? and {where}
        group by all
        order by 1, 2
        """,
        [*filters.months(), filters.last_month, *params],
    )
    with_month_one = cohorts[cohorts.months_since_first_purchase == 1]
    if not with_month_one.empty:
        cohort = with_month_one.iloc[-1]
        st.metric(
            f"Month-1 retention, {cohort.cohort_month:%B %Y} cohort",
            percent(cohort.retention_rate),
            help="Share of the cohort's customers who bought again in the month after their "
            f"first purchase ({int(cohort.cohort_size):,} customers): the latest cohort "
            "whose month 1 is in the chosen months.",
        )
    if not cohorts.empty:
        table = cohorts.pivot(
            index="cohort_month", columns="months_since_first_purchase", values="retention_rate"
        )
        table.index = [f"{m:%b %Y}" for m in table.index]
        grid(table, "retention_heatmap", "Cohort retention", "Blues",
             {"x": "Months since first purchase", "y": "Cohort (first purchase month)",
              "color": "Retained"}, aspect="auto")  # fmt: skip
        scope(
            f"Cohorts whose first purchase is in {filters.range_text()}, up to "
            f"{filters.last_month:%B %Y}; {filters.segments_text()}."
        )

    flows = query(
        f"""
        select
            months.month_start_date,
            count(case when months.status_at_month_start in ('active', 'at_risk') then 1 end)
                as customers_start,
            count(case when months.is_new_customer then 1 end) as new_customers,
            count(case when months.is_reactivated then 1 end) as reactivated_customers,
            count(case when months.is_churned_in_month then 1 end) as churned_customers
        from marts.fct_customer_months as months
        inner join marts.dim_customers as customers
            on months.customer_id = customers.customer_id
        where months.month_start_date between ? and ? and {where}
        group by 1
        order by 1
        """,
        [*filters.months(), *params],
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
        labels={"month_start_date": "Month", "customers": "Customers"}, filters=filters,
    )  # fmt: skip
    scope(f"{filters.range_text()}, {filters.segments_text()}.")
    survival(filters)


def survival(filters: Filters) -> None:
    """Kaplan-Meier curves by segment, with their bands."""
    types = query("select distinct segment_type from marts.fct_customer_survival order by 1")
    options = types.segment_type.tolist()
    choice = st.selectbox(
        "Survival curves by",
        options,
        format_func=SEGMENT_LABELS.get,
        index=options.index("acquisition_channel") if "acquisition_channel" in options else 0,
    )
    curves = query(
        """
        select segment_value, days_since_first_purchase, survival_probability,
            survival_ci_low, survival_ci_high
        from marts.fct_customer_survival where segment_type = ? order by 1, 2
        """,
        [choice],
    )
    curves = filters.keep_chosen(curves, choice)
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
    followed = "the chosen segments' curves" if filters.chosen_in(choice) else "every segment"
    scope(
        f"Every purchaser from the first purchase to the as-of date "
        f"({build_facts()['as_of_date']}), {followed}: the curves are by segment, so the "
        "month range does not apply, and a segment filter applies only to the curves of "
        "its own segment type."
    )
