"""Loyalty: the stages over time, the transitions between two month ends, the loyalty
types. The stages and transitions are the chosen customers' months; the types are
as of the build's as-of date."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from loyalty_warehouse.dashboard.charts import MONTHS, STAGES, Filters, by_month, grid, scope, show
from loyalty_warehouse.dashboard.warehouse import build_facts, query

# prospects at a month's end: signed up by then, first purchase later or never
PROSPECTS = """
    select months.month_start_date, customers.customer_id,
        date_trunc('month', customers.signed_up_date) = months.month_start_date as is_new_signup
    from months
    inner join marts.dim_customers as customers
        on date_trunc('month', customers.signed_up_date) <= months.month_start_date
        and (customers.first_purchase_date is null
             or date_trunc('month', customers.first_purchase_date) > months.month_start_date)
    where {where}
"""


def loyalty(filters: Filters) -> None:
    st.title("Loyalty")
    where, params = filters.customer_filter()
    types = query(
        f"""
        select types.loyalty_type, types.attitude, types.patronage,
            count(customers.customer_id) as customers
        from marts.fct_loyalty_types as types
        left join marts.dim_customers as customers
            on customers.loyalty_type = types.loyalty_type and {where}
        group by all
        """,
        params,
    )
    true_loyal = types.loc[types.loyalty_type == "true", "customers"]
    st.metric(
        "True-loyalty customers",
        f"{int(true_loyal.sum()):,}",
        help="High attitude (NPS promoter) and high patronage (repeat purchases), as of "
        "the build's as-of date.",
    )
    funnel = query(
        f"""
        with months as ({MONTHS}),
        purchasers as (
            select months.month_start_date, months.loyalty_stage_at_month_end as loyalty_stage
            from marts.fct_customer_months as months
            inner join marts.dim_customers as customers
                on months.customer_id = customers.customer_id
            where months.month_start_date between ? and ? and {where}
        ),
        prospects as ({PROSPECTS.format(where=where)})
        select month_start_date, loyalty_stage, count(*) as customers
        from (
            select * from purchasers
            union all
            select month_start_date, 'prospect' from prospects
        ) as staged
        group by all
        order by 1
        """,
        [*filters.months(), *filters.months(), *params, *params],
    )
    by_month(
        "area", funnel, "customers", "Customers",
        "Loyalty stages over time (at each month's end)", "loyalty_funnel", filters,
        color="loyalty_stage", category_orders={"loyalty_stage": STAGES},
        labels={"loyalty_stage": "Stage"},
    )  # fmt: skip
    scope(f"{filters.range_text()}, {filters.segments_text()}.")
    transitions(filters, where, params)
    type_matrix(types)


def transitions(filters: Filters, where: str, params: list) -> None:
    months = query(f"with months as ({MONTHS}) select * from months order by 1", filters.months())
    month = st.selectbox(
        "Transitions into the month ending",
        months.month_start_date.tolist(),
        index=len(months) - 1,
        format_func=lambda m: f"{m:%B %Y}",
    )
    moves = query(
        f"""
        with months as (select ?::date as month_start_date),
        purchasers as (
            select
                coalesce(
                    month_before.loyalty_stage_at_month_end,
                    case
                        when date_trunc('month', customers.signed_up_date)
                            < this_month.month_start_date then 'prospect'
                        else 'none'
                    end
                ) as from_stage,
                this_month.loyalty_stage_at_month_end as to_stage
            from marts.fct_customer_months as this_month
            inner join marts.dim_customers as customers
                on this_month.customer_id = customers.customer_id
            left join marts.fct_customer_months as month_before
                on month_before.customer_id = this_month.customer_id
                and month_before.month_start_date = this_month.month_start_date - interval 1 month
            where this_month.month_start_date = ? and {where}
        ),
        prospects as ({PROSPECTS.format(where=where)})
        select from_stage, to_stage, count(*) as customers
        from (
            select * from purchasers
            union all
            select case when is_new_signup then 'none' else 'prospect' end, 'prospect'
            from prospects
        ) as moved
        group by all
        """,
        [month, month, *params, *params],
    )
    table = moves.pivot_table(
        index="from_stage", columns="to_stage", values="customers", aggfunc="sum", fill_value=0
    )
    order = [s for s in ["none", *STAGES] if s in table.index or s in table.columns]
    grid(table.reindex(index=order, columns=order, fill_value=0), "loyalty_transitions",
         "Stage transitions between two month ends", "Purples",
         {"x": "Stage at this month's end", "y": "Stage a month before",
          "color": "Customers"}, text_auto=True)  # fmt: skip
    scope(
        f"Into the end of {month:%B %Y} (a month of the chosen range), {filters.segments_text()}."
    )


def type_matrix(types) -> None:
    matrix = types[types.attitude.isin(["high", "low"])].pivot(
        index="attitude", columns="patronage", values="customers"
    )
    labels = types.set_index(["attitude", "patronage"]).loyalty_type
    text = [
        [f"{labels.get((a, p), '')}: {matrix.loc[a, p]:,}" for p in matrix.columns]
        for a in matrix.index
    ]
    figure = go.Figure(
        go.Heatmap(
            z=matrix.values,
            x=[f"{p} patronage" for p in matrix.columns],
            y=[f"{a} attitude" for a in matrix.index],
            text=text,
            texttemplate="%{text}",
            colorscale="Oranges",
        )
    )
    unmeasured = types.loc[types.attitude == "unknown", "customers"].sum()
    figure.update_layout(
        title=f"Loyalty types: attitude x patronage "
        f"({int(unmeasured):,} customers without an NPS answer are not placed)"
    )
    show(figure, "loyalty_types")
    scope(
        f"As of the as-of date ({build_facts()['as_of_date']}): attitude is the latest NPS "
        "answer and patronage the purchases of the 12 months before it, so the month range "
        "does not apply."
    )
