"""Loyalty: the stages over time, the transitions between two month ends, the loyalty
types."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from loyalty_warehouse.dashboard.charts import STAGES, Filters, by_month, grid, show
from loyalty_warehouse.dashboard.warehouse import query


def loyalty(filters: Filters) -> None:
    st.title("Loyalty")
    types = query(
        "select loyalty_type, attitude, patronage, customers from marts.fct_loyalty_types"
    )
    true_loyal = types.loc[types.loyalty_type == "true", "customers"]
    st.metric(
        "True-loyalty customers",
        f"{int(true_loyal.sum()):,}",
        help="High attitude (NPS promoter) and high patronage (repeat purchases).",
    )
    funnel = query(
        "select month_start_date, loyalty_stage, customers from marts.fct_loyalty_funnel "
        "where month_start_date between ? and ? order by 1",
        filters.months(),
    )
    by_month(
        "area", funnel, "customers", "Customers",
        "Loyalty stages over time (at each month's end)", "loyalty_funnel",
        color="loyalty_stage", category_orders={"loyalty_stage": STAGES},
        labels={"loyalty_stage": "Stage"},
    )  # fmt: skip

    months = query(
        "select distinct month_start_date from marts.fct_loyalty_transitions order by 1"
    )["month_start_date"].tolist()
    if months:
        month = st.selectbox(
            "Transitions into the month ending",
            months,
            index=len(months) - 1,
            format_func=lambda m: f"{m:%B %Y}",
        )
        moves = query(
            "select from_stage, to_stage, customers from marts.fct_loyalty_transitions "
            "where month_start_date = ?",
            [month],
        )
        table = moves.pivot_table(
            index="from_stage", columns="to_stage", values="customers", aggfunc="sum", fill_value=0
        )
        order = [s for s in STAGES if s in table.index or s in table.columns]
        grid(table.reindex(index=order, columns=order, fill_value=0), "loyalty_transitions",
             "Stage transitions between two month ends", "Purples",
             {"x": "Stage at this month's end", "y": "Stage a month before",
              "color": "Customers"}, text_auto=True)  # fmt: skip

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
