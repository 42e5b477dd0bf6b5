"""Voice of the customer: NPS with its interval, CSAT and CES, NPS by segment, the
share of customers who shared an offer (Live NPS) and the referral rate. Every figure
by month follows the sidebar; the NPS by segment is of the 12 months to the as-of
date."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from loyalty_warehouse.dashboard.charts import (
    MONTHS,
    SEGMENT_LABELS,
    Filters,
    band,
    by_month,
    measures,
    month_axis,
    nps_with_interval,
    scope,
    show,
)
from loyalty_warehouse.dashboard.warehouse import build_facts, query


def voice(filters: Filters) -> None:
    st.title("Voice of the customer")
    where, params = filters.customer_filter()
    # anonymous answers count for every customer, not for a segment
    answer_where, answer_params = (where, params) if filters.is_segmented else ("true", [])
    answers = query(
        f"""
        with months as ({MONTHS})
        select
            months.month_start_date,
            count(case when answers.survey_type = 'nps' then 1 end) as responses,
            count(case when answers.nps_category = 'promoter' then 1 end) as promoters,
            count(case when answers.nps_category = 'detractor' then 1 end) as detractors,
            100.0 * count(case when answers.survey_type = 'csat' and answers.score >= 4
                then 1 end) / nullif(count(case when answers.survey_type = 'csat' then 1 end), 0)
                as csat,
            avg(case when answers.survey_type = 'ces' then answers.score end) as ces
        from months
        left join (
            select answers.* from marts.fct_survey_responses as answers
            left join marts.dim_customers as customers
                on answers.customer_id = customers.customer_id
            where {answer_where}
        ) as answers on answers.month_start_date = months.month_start_date
        group by 1
        order by 1
        """,
        [*filters.months(), *answer_params],
    )
    intervals = [
        nps_with_interval(r.promoters, r.detractors, r.responses) for r in answers.itertuples()
    ]
    answers[["nps", "nps_ci_low", "nps_ci_high"]] = pd.DataFrame(intervals, index=answers.index)
    answered = answers.dropna(subset=["nps"])
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
    show(month_axis(figure, filters.first_month, filters.last_month), "voice_nps")
    left, right = st.columns(2)
    with left:
        by_month("line", answers, "csat", "% satisfied (4-5)", "CSAT (%)", "voice_csat", filters)
    with right:
        by_month("line", answers, "ces", "Mean effort score", "CES (1-7)", "voice_ces", filters)
    scope(
        f"{filters.range_text()}, answers of {filters.segments_text()}"
        + ("" if filters.is_segmented else ", anonymous answers included")
        + "."
    )
    segments(filters)
    referrals(filters, where, params)


def segments(filters: Filters) -> None:
    types = query("select distinct segment_type from marts.fct_nps_by_segment order by 1")
    choice = st.selectbox("NPS by", types.segment_type.tolist(), format_func=SEGMENT_LABELS.get)
    frame = query(
        "select segment_value, nps, nps_ci_low, nps_ci_high from marts.fct_nps_by_segment "
        "where segment_type = ? order by 1",
        [choice],
    )
    frame = filters.keep_chosen(frame, choice)
    figure = px.bar(
        frame,
        x="segment_value",
        y="nps",
        title="NPS by segment (95% intervals)",
        error_y=frame.nps_ci_high - frame.nps,
        error_y_minus=frame.nps - frame.nps_ci_low,
        labels={"segment_value": "", "nps": "NPS"},
    )
    show(figure, "voice_segments")
    scope(
        f"The 12 months to the as-of date ({build_facts()['as_of_date']}), whatever the "
        "month range; a segment filter shows only its own segments here."
    )


def referrals(filters: Filters, where: str, params: list) -> None:
    frame = query(
        f"""
        with months as ({MONTHS}),
        offered as (
            select offers.month_start_date, offers.customer_id,
                bool_or(offers.is_shared_by_as_of) as has_shared
            from marts.fct_referral_offers as offers
            inner join marts.dim_customers as customers
                on offers.customer_id = customers.customer_id
            where {where}
            group by all
        ),
        shares as (
            select month_start_date,
                100.0 * count(case when has_shared then 1 end) / count(*) as shared_share
            from offered group by 1
        ),
        new_customers as (
            select cast(date_trunc('month', first_purchase_date) as date) as month_start_date,
                count(case when is_referred then 1 end) / count(*) * 100.0 as referral_rate
            from marts.dim_customers as customers
            where is_purchaser and {where}
            group by 1
        )
        select months.month_start_date, shares.shared_share, new_customers.referral_rate
        from months
        left join shares on months.month_start_date = shares.month_start_date
        left join new_customers on months.month_start_date = new_customers.month_start_date
        order by 1
        """,
        [*filters.months(), *params, *params],
    )
    measures(
        "line", frame, "month_start_date",
        {
            "shared_share": "Live NPS: % of the customers shown an offer who shared it",
            "referral_rate": "Referral rate: % of new customers who were referred",
        },
        "percent", "voice_referrals", title="Live NPS (a share of customers) and referral rate",
        labels={"month_start_date": "Month", "percent": "%"}, filters=filters,
    )  # fmt: skip
    scope(
        "Live NPS is not a net promoter score: it is the share (0-100%) of the customers "
        "shown a referral offer in the month who shared one of them, an act rather than "
        f"an intention. {filters.range_text()}, {filters.segments_text()}."
    )
