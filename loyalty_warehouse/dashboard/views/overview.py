"""Overview: the latest month against the one before, the chosen months as one period,
revenue by month. Every figure follows the sidebar: its months and its segments (the
chosen customers' rows of the customer-level marts)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from loyalty_warehouse.dashboard.charts import (
    Filters,
    by_month,
    delta,
    nps_with_interval,
    percent,
    scope,
)
from loyalty_warehouse.dashboard.warehouse import build_facts, query

# the chosen customers' months: S, E, L, repeat purchasers and revenue per month,
# equal to fct_retention_monthly's columns for every customer
MONTHLY = """
    select
        months.month_start_date,
        count(case when months.status_at_month_start in ('active', 'at_risk') then 1 end)
            as customers_start,
        count(case when months.status_at_month_end in ('active', 'at_risk') then 1 end)
            as customers_end,
        count(case when months.is_churned_in_month then 1 end) as churned_customers,
        count(case when months.cumulative_purchases >= 2 then 1 end) / count(*) as rpr,
        sum(months.revenue) as revenue
    from marts.fct_customer_months as months
    inner join marts.dim_customers as customers on months.customer_id = customers.customer_id
    where months.month_start_date between ? and ? and {where}
    group by months.month_start_date
    order by 1
"""
# NPS answers per month: anonymous answers count for every customer, not for a segment
ANSWERS = """
    select
        answers.month_start_date,
        count(*) as responses,
        count(case when answers.nps_category = 'promoter' then 1 end) as promoters,
        count(case when answers.nps_category = 'detractor' then 1 end) as detractors
    from marts.fct_survey_responses as answers
    left join marts.dim_customers as customers on answers.customer_id = customers.customer_id
    where answers.survey_type = 'nps' and answers.month_start_date between ? and ? and {where}
    group by answers.month_start_date
"""
# the chosen months as one period, by the definitions of docs/dashboard-and-metrics.md
PERIOD = """
    with chosen as (
        select customer_id, first_purchase_date from marts.dim_customers as customers
        where {where}
    ),
    at_start as (
        select months.customer_id from marts.fct_customer_months as months
        inner join chosen on months.customer_id = chosen.customer_id
        where months.month_start_date = $first_month
            and months.status_at_month_start in ('active', 'at_risk')
    ),
    at_end as (
        select months.customer_id, months.first_purchase_date
        from marts.fct_customer_months as months
        inner join chosen on months.customer_id = chosen.customer_id
        where months.month_start_date = $last_month
            and months.status_at_month_end in ('active', 'at_risk')
    ),
    churned_from_start as (
        select count(distinct churns.customer_id) as customers
        from marts.fct_churn_events as churns
        inner join at_start on churns.customer_id = at_start.customer_id
        where churns.event_type = 'churn' and churns.event_date between $first_month and $last_day
    ),
    purchases as (
        select count(*) as orders, sum(orders.revenue) as revenue,
            count(distinct orders.customer_id) as buyers
        from marts.fct_orders as orders
        inner join chosen on orders.customer_id = chosen.customer_id
        where orders.is_purchase and orders.ordered_date between $first_month and $last_day
    )
    select
        (select count(*) from at_start) as customers_start,
        (select customers from churned_from_start) as churned_from_start,
        (select count(*) from at_end) as customers_end,
        (select count(*) from at_end where first_purchase_date >= $first_month)
            as new_customers_at_end,
        (select count(*) from chosen where first_purchase_date
            between $first_month and $last_day) as new_customers,
        purchases.buyers, purchases.revenue
    from purchases
"""


def overview(filters: Filters) -> None:
    st.title("Overview")
    facts = build_facts()
    where, params = filters.customer_filter()
    monthly = query(MONTHLY.format(where=where), [*filters.months(), *params])
    if monthly.empty:
        st.info(f"No purchaser among {filters.segments_text()} in {filters.range_text()}.")
        return
    monthly["churn_rate"] = monthly.churned_customers / monthly.customers_start.replace(0, pd.NA)
    answers = query(
        ANSWERS.format(where=where if filters.is_segmented else "true"),
        [*filters.months(), *(params if filters.is_segmented else [])],
    ).set_index("month_start_date")
    latest = monthly.iloc[-1]
    previous = monthly.iloc[-2] if len(monthly) > 1 else latest * float("nan")

    def nps_of(month):
        if month not in answers.index:
            return nps_with_interval(0, 0, 0)
        row = answers.loc[month]
        return nps_with_interval(row.promoters, row.detractors, row.responses)

    nps, nps_low, nps_high = nps_of(latest.month_start_date)
    previous_nps = nps_of(previous.month_start_date)[0] if len(monthly) > 1 else float("nan")
    clv = query(
        f"select avg(predicted_clv) as clv from marts.dim_customers as customers where {where}",
        params,
    )["clv"][0]
    scope(
        f"{latest.month_start_date:%B %Y} against the month before, {filters.segments_text()}"
        + ("" if filters.is_segmented else " (NPS: anonymous answers included)")
    )
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
    columns[2].metric(
        "NPS",
        "-" if pd.isna(nps) else f"{nps:.1f}",
        delta(nps, previous_nps),
        help="Net promoter score, -100 to 100: % promoters - % detractors.",
    )
    columns[2].caption(
        "no answers" if pd.isna(nps) else f"95% interval {nps_low:.1f} to {nps_high:.1f}"
    )
    columns[3].metric(
        "Repeat purchase rate",
        percent(latest.rpr),
        delta(latest.rpr, previous.rpr, "rate"),
        help="Customers with two or more purchases / customers with one or more, to date.",
    )
    columns[4].metric(
        f"Mean predicted CLV ({facts['currency']})",
        "-" if pd.isna(clv) else f"{clv:,.2f}",
        help="Mean predicted customer lifetime value (BG/NBD + Gamma-Gamma) of the chosen "
        f"customers, as of the build's as-of date ({facts['as_of_date']}): it has no "
        "monthly history, so the month range does not apply to it.",
    )
    period_figures(filters, where, params, facts["currency"])
    by_month("bar", monthly, "revenue", f"Revenue ({facts['currency']})", "Revenue by month",
             "overview_revenue", filters)  # fmt: skip


def period_figures(filters: Filters, where: str, params: list, currency: str) -> None:
    """The chosen months as one period: churn and retention of the customers at its
    start, CRR, buyers, revenue and new customers over it, NPS of its answers."""
    named = {"first_month": filters.first_month, "last_month": filters.last_month,
             "last_day": filters.last_day}  # fmt: skip
    sql, args = _numbered(PERIOD.format(where=where), named, params)
    period = query(sql, args).iloc[0]
    answers = query(
        ANSWERS.format(where=where if filters.is_segmented else "true"),
        [*filters.months(), *(params if filters.is_segmented else [])],
    )
    starting = int(period.customers_start)
    churn_rate = period.churned_from_start / starting if starting else float("nan")
    crr = (period.customers_end - period.new_customers_at_end) / starting if starting else None
    nps = nps_with_interval(answers.promoters.sum(), answers.detractors.sum(),
                            answers.responses.sum())[0]  # fmt: skip
    scope(f"{filters.range_text()} as one period, {filters.segments_text()}")
    columns = st.columns(3) + st.columns(3)
    columns[0].metric("Buyers in the period", f"{int(period.buyers):,}",
                      help="Distinct customers with a purchase in the chosen months.")  # fmt: skip
    columns[1].metric(f"Revenue in the period ({currency})",
                      "-" if pd.isna(period.revenue) else f"{period.revenue:,.2f}",
                      help="Revenue of the completed purchases in the chosen months.")  # fmt: skip
    columns[2].metric(
        "New customers in the period",
        f"{int(period.new_customers):,}",
        help="Customers whose first purchase falls in the chosen months (N).",
    )
    columns[3].metric(
        "Churn rate over the period",
        percent(churn_rate),
        help="Of the customers active or at risk at the period's start (S), the share "
        "whose churn date falls in it. Never above 100%: customers acquired during the "
        "period are not among them.",
    )
    columns[4].metric(
        "Retention rate over the period",
        percent(1 - churn_rate),
        help="1 - churn rate: the share of the customers at the period's start who did "
        "not churn in it.",
    )
    columns[5].metric(
        "CRR over the period",
        percent(crr),
        help="(E - N_E) / S: customers active or at risk at the period's end less the "
        "period's new customers still active then, over the customers at its start. "
        "Above the retention rate by the customers who came back.",
    )
    if not starting:
        st.info(
            f"No customer of the chosen segments was active or at risk on "
            f"{filters.first_month:%d %B %Y}, the period's start: the churn rate, "
            "retention rate and CRR over the period have no denominator. Start the "
            "range at a later month."
        )
    st.metric("NPS over the period", "-" if pd.isna(nps) else f"{nps:.1f}",
              help="NPS of every answer given in the chosen months.")  # fmt: skip


def _numbered(sql: str, named: dict, params: list) -> tuple[str, list]:
    """The period's SQL with its $names as positional parameters, after the segment
    filter's own."""
    args = list(params)
    for name, value in named.items():
        args.append(value)
        sql = sql.replace(f"${name}", f"${len(args)}")
    for i in range(len(params)):
        sql = sql.replace("?", f"${i + 1}", 1)
    return sql, args
