"""Overview: the latest month against the one before, the chosen months as one period,
revenue by month."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from loyalty_warehouse.dashboard.charts import Filters, by_month, delta, percent
from loyalty_warehouse.dashboard.warehouse import query


def overview(filters: Filters) -> None:
    st.title("Overview")
    monthly = query(
        """
        select
            retention.month_start_date, retention.customers_end, retention.churn_rate,
            retention.rpr, retention.revenue, retention.orders,
            nps.nps, nps.nps_ci_low, nps.nps_ci_high
        from marts.fct_retention_monthly as retention
        left join marts.fct_nps_monthly as nps using (month_start_date)
        where retention.month_start_date between ? and ?
        order by 1
        """,
        filters.months(),
    )
    if monthly.empty:
        st.info("No months in the chosen range.")
        return
    latest = monthly.iloc[-1]
    previous = monthly.iloc[-2] if len(monthly) > 1 else latest * float("nan")
    where, params = filters.customer_filter()
    clv = query(
        f"select avg(predicted_clv) as clv from marts.dim_customers as customers where {where}",
        params,
    )["clv"][0]
    st.caption(f"{latest.month_start_date:%B %Y}, against the month before")
    columns = st.columns(5)
    columns[0].metric(
        "Active customers",
        f"{int(latest.customers_end):,}",
        delta(latest.customers_end, previous.customers_end, "count"),
        help="Customers active or at risk at the month's end (E).",
    )
    columns[1].metric(
        "Churn rate",
        percent(latest.churn_rate),
        delta(latest.churn_rate, previous.churn_rate, "rate"),
        delta_color="inverse",
        help="Customers who churned in the month / customers at its start (L / S).",
    )
    nps_text = "-" if pd.isna(latest.nps) else f"{latest.nps:.1f}"
    interval = (
        "no answers"
        if pd.isna(latest.nps)
        else f"95% interval {latest.nps_ci_low:.1f} to {latest.nps_ci_high:.1f}"
    )
    columns[2].metric(
        "NPS",
        nps_text,
        delta(latest.nps, previous.nps),
        help="Net promoter score, -100 to 100: % promoters - % detractors.",
    )
    columns[2].caption(interval)
    columns[3].metric(
        "Repeat purchase rate",
        percent(latest.rpr),
        delta(latest.rpr, previous.rpr, "rate"),
        help="Customers with two or more purchases / customers with one or more, to date.",
    )
    columns[4].metric(
        "Mean predicted CLV",
        "-" if pd.isna(clv) else f"{clv:,.2f}",
        help="Mean predicted customer lifetime value (BG/NBD + Gamma-Gamma) of the chosen "
        "customers, as of the build's as-of date (no monthly history).",
    )
    # the chosen months as one period, with the semantic layer's definitions
    # (docs/dashboard-and-metrics.md): distinct buyers and churned customers over the
    # whole period, S at its first month's start, E and the to-date counts at its end
    period = query(
        """
        with bounds as (
            select ?::date as first_month, ?::date as last_month,
                ?::date + interval 1 month - interval 1 day as last_day
        ),
        purchases as (
            select count(*) as orders, sum(revenue) as revenue,
                count(distinct customer_id) as buyers
            from marts.fct_orders, bounds
            where is_purchase and ordered_date between first_month and last_day
        ),
        stocks as (
            select
                count(case when month_start_date = first_month
                    and status_at_month_start in ('active', 'at_risk') then 1 end) as s,
                count(case when month_start_date = last_month
                    and status_at_month_end in ('active', 'at_risk') then 1 end) as e,
                count(case when is_new_customer then 1 end) as n
            from marts.fct_customer_months, bounds
            where month_start_date between first_month and last_month
        ),
        churns as (
            select count(distinct customer_id) as l
            from marts.fct_churn_events, bounds
            where event_type = 'churn' and event_date between first_month and last_day
        ),
        answers as (
            select count(*) as answers,
                count(case when nps_category = 'promoter' then 1 end)
                - count(case when nps_category = 'detractor' then 1 end) as net
            from marts.fct_survey_responses, bounds
            where survey_type = 'nps' and responded_date between first_month and last_day
        )
        select
            buyers, revenue, n as new_customers,
            l / nullif(s, 0) as churn_rate, (e - n) / nullif(s, 0) as crr,
            100.0 * net / nullif(answers, 0) as nps
        from purchases, stocks, churns, answers
        """,
        [filters.first_month, filters.last_month, filters.last_month],
    ).iloc[0]
    st.caption(f"{filters.first_month:%B %Y} to {filters.last_month:%B %Y}, as one period")
    columns = st.columns(3) + st.columns(3)
    columns[0].metric(
        "Buyers in the period",
        f"{int(period.buyers):,}",
        help="Distinct customers with a purchase in the chosen months.",
    )
    columns[1].metric(
        "Revenue in the period",
        "-" if pd.isna(period.revenue) else f"{period.revenue:,.2f}",
        help="Revenue of the completed purchases in the chosen months.",
    )
    columns[2].metric(
        "New customers in the period",
        f"{int(period.new_customers):,}",
        help="Customers whose first purchase falls in the chosen months (N).",
    )
    columns[3].metric(
        "Churn rate over the period",
        percent(period.churn_rate),
        help="Customers whose churn date falls in the chosen months / customers active "
        "or at risk at their start (L / S; null when S is 0). Over many months L also "
        "counts customers acquired during them, so it can pass 100%.",
    )
    columns[4].metric(
        "CRR over the period",
        percent(period.crr),
        help="(E - N) / S: customers at the end less the new ones, over those at the start.",
    )
    columns[5].metric(
        "NPS over the period",
        "-" if pd.isna(period.nps) else f"{period.nps:.1f}",
        help="NPS of every answer given in the chosen months.",
    )
    by_month("bar", monthly, "revenue", "Revenue", "Revenue by month", "overview_revenue")
