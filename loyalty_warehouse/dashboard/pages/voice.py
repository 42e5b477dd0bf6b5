"""Voice of the customer: NPS with its interval, CSAT and CES, NPS by segment, Live
NPS and the referral rate."""

from __future__ import annotations

import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from loyalty_warehouse.dashboard.charts import (
    SEGMENT_LABELS,
    Filters,
    band,
    by_month,
    measures,
    show,
)
from loyalty_warehouse.dashboard.warehouse import query


def voice(filters: Filters) -> None:
    st.title("Voice of the customer")
    nps = query(
        "select month_start_date, nps, nps_ci_low, nps_ci_high, responses "
        "from marts.fct_nps_monthly where month_start_date between ? and ? order by 1",
        filters.months(),
    )
    answered = nps.dropna(subset=["nps"])
    if not answered.empty:
        latest = answered.iloc[-1]
        st.metric(
            f"NPS, {latest.month_start_date:%B %Y}",
            f"{latest.nps:.1f}",
            help=f"{int(latest.responses):,} answers; 95% interval {latest.nps_ci_low:.1f} "
            f"to {latest.nps_ci_high:.1f}.",
        )
    figure = go.Figure(
        [
            band(
                answered.month_start_date,
                answered.nps_ci_low,
                answered.nps_ci_high,
                "95% interval",
                opacity=0.2,
            ),  # fmt: skip
            go.Scatter(
                x=answered.month_start_date, y=answered.nps, mode="lines+markers", name="NPS"
            ),
        ]
    )
    figure.update_layout(
        title="NPS by month, with its 95% interval", yaxis_title="NPS", xaxis_title="Month"
    )
    show(figure, "voice_nps")

    satisfaction = query(
        "select month_start_date, csat, ces from marts.fct_satisfaction_monthly "
        "where month_start_date between ? and ? order by 1",
        filters.months(),
    )
    left, right = st.columns(2)
    with left:
        by_month("line", satisfaction, "csat", "% satisfied (4-5)", "CSAT (%)", "voice_csat")
    with right:
        by_month("line", satisfaction, "ces", "Mean effort score", "CES (1-7)", "voice_ces")

    types = query("select distinct segment_type from marts.fct_nps_by_segment order by 1")
    choice = st.selectbox("NPS by", types.segment_type.tolist(), format_func=SEGMENT_LABELS.get)
    segments = query(
        "select segment_value, nps, nps_ci_low, nps_ci_high from marts.fct_nps_by_segment "
        "where segment_type = ? order by 1",
        [choice],
    )
    figure = px.bar(
        segments,
        x="segment_value",
        y="nps",
        title="NPS by segment (95% intervals)",
        error_y=segments.nps_ci_high - segments.nps,
        error_y_minus=segments.nps - segments.nps_ci_low,
        labels={"segment_value": "", "nps": "NPS"},
    )
    show(figure, "voice_segments")

    referrals = query(
        "select month_start_date, live_nps, 100 * referral_rate as referral_rate "
        "from marts.fct_referrals_monthly where month_start_date between ? and ? order by 1",
        filters.months(),
    )
    measures(
        "line", referrals, "month_start_date",
        {
            "live_nps": "Live NPS: % shown the offer who shared it",
            "referral_rate": "Referral rate: % of new customers referred",
        },
        "percent", "voice_referrals", title="Live NPS and referral rate",
        labels={"month_start_date": "Month", "percent": "%"},
    )  # fmt: skip
