"""The dashboard's pages: each reads the marts it names (see models/marts/_marts__exposures.yml)
and draws with Plotly, bundled with Streamlit (nothing is fetched from the web)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from loyalty_warehouse.dashboard.warehouse import query

STAGES = ["prospect", "first_time", "repeat", "loyal", "advocate", "lapsed"]
SEGMENT_LABELS = {
    "all": "All customers",
    "acquisition_channel": "Acquisition channel",
    "country_code": "Country",
    "first_purchase_quarter": "First purchase quarter",
    "cohort_year": "Cohort year",
    "loyalty_stage": "Loyalty stage",
}


@dataclass
class Filters:
    """The sidebar's choices: a range of months and the customers' segments."""

    first_month: date
    last_month: date
    channels: list[str]
    countries: list[str]

    def months(self) -> list:
        return [self.first_month, self.last_month]

    def customer_filter(self, alias: str = "customers") -> tuple[str, list]:
        """SQL condition and parameters on dim_customers for the chosen segments."""
        conditions, params = ["true"], []
        for column, values in (
            ("acquisition_channel", self.channels),
            ("country_code", self.countries),
        ):
            if values:
                conditions.append(f"{alias}.{column} in ({', '.join('?' for _ in values)})")
                params.extend(values)
        return " and ".join(conditions), params


def _chart(figure: go.Figure, key: str) -> None:
    figure.update_layout(margin={"l": 10, "r": 10, "t": 40, "b": 10})
    st.plotly_chart(figure, use_container_width=True, key=key)


def _percent(value) -> str:
    return "-" if pd.isna(value) else f"{value:.1%}"


def _delta(latest, previous, kind: str = "number") -> str | None:
    """The change from the previous month: in percentage points for a rate, whole for
    a count."""
    if pd.isna(latest) or pd.isna(previous):
        return None
    change = latest - previous
    return {"rate": f"{change * 100:+.1f} pp", "count": f"{change:+,.0f}"}.get(
        kind, f"{change:+,.1f}"
    )


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
        _delta(latest.customers_end, previous.customers_end, "count"),
        help="Customers active or at risk at the month's end (E).",
    )
    columns[1].metric(
        "Churn rate",
        _percent(latest.churn_rate),
        _delta(latest.churn_rate, previous.churn_rate, "rate"),
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
        _delta(latest.nps, previous.nps),
        help="Net promoter score, -100 to 100: % promoters - % detractors.",
    )
    columns[2].caption(interval)
    columns[3].metric(
        "Repeat purchase rate",
        _percent(latest.rpr),
        _delta(latest.rpr, previous.rpr, "rate"),
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
        _percent(period.churn_rate),
        help="Customers whose churn date falls in the chosen months / customers active "
        "or at risk at their start (L / S; null when S is 0). Over many months L also "
        "counts customers acquired during them, so it can pass 100%.",
    )
    columns[4].metric(
        "CRR over the period",
        _percent(period.crr),
        help="(E - N) / S: customers at the end less the new ones, over those at the start.",
    )
    columns[5].metric(
        "NPS over the period",
        "-" if pd.isna(period.nps) else f"{period.nps:.1f}",
        help="NPS of every answer given in the chosen months.",
    )
    figure = px.bar(
        monthly,
        x="month_start_date",
        y="revenue",
        title="Revenue by month",
        labels={"month_start_date": "Month", "revenue": "Revenue"},
    )
    _chart(figure, "overview_revenue")


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
            _percent(cohort.retention_rate),
            help="Share of the cohort's customers who bought again in the month after their "
            f"first purchase ({int(cohort.cohort_size):,} customers).",
        )
    if not cohorts.empty:
        grid = cohorts.pivot(
            index="cohort_month", columns="months_since_first_purchase", values="retention_rate"
        )
        figure = px.imshow(
            grid.values,
            x=[str(c) for c in grid.columns],
            y=[f"{m:%Y-%m}" for m in grid.index],
            color_continuous_scale="Blues",
            labels={"x": "Months since first purchase", "y": "Cohort", "color": "Retained"},
            title="Cohort retention",
            aspect="auto",
        )
        _chart(figure, "retention_heatmap")

    flows = query(
        """
        select month_start_date, customers_start, new_customers, reactivated_customers,
            churned_customers
        from marts.fct_retention_monthly where month_start_date between ? and ? order by 1
        """,
        filters.months(),
    )
    long = flows.melt(id_vars="month_start_date", var_name="flow", value_name="customers")
    long["flow"] = long["flow"].map(
        {
            "customers_start": "S: at the month's start",
            "new_customers": "N: new",
            "reactivated_customers": "R: reactivated",
            "churned_customers": "L: churned",
        }
    )
    figure = px.line(
        long,
        x="month_start_date",
        y="customers",
        color="flow",
        title="Customers at the start, new, reactivated and churned",
        labels={"month_start_date": "Month", "customers": "Customers", "flow": ""},
    )
    _chart(figure, "retention_flows")

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
        band = pd.concat([curve, curve.iloc[::-1]])
        figure.add_trace(
            go.Scatter(
                x=band.days_since_first_purchase,
                y=pd.concat([curve.survival_ci_high, curve.survival_ci_low.iloc[::-1]]),
                fill="toself",
                line={"width": 0},
                fillcolor=color,
                opacity=0.15,
                showlegend=False,
                hoverinfo="skip",
                name=f"{segment} 95% band",
            )
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
    _chart(figure, "retention_survival")


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
    _chart(figure, "value_distributions")

    segments = query("select distinct segment_type from marts.fct_ltv_by_segment order by 1")
    choice = st.selectbox("LTV by", segments.segment_type.tolist(), format_func=SEGMENT_LABELS.get)
    ltv = query(
        "select segment_value, formula_ltv, historical_ltv_per_purchaser "
        "from marts.fct_ltv_by_segment where segment_type = ? order by 1",
        [choice],
    ).melt(id_vars="segment_value", var_name="measure", value_name="amount")
    ltv["measure"] = ltv["measure"].map(
        {"formula_ltv": "Formula LTV", "historical_ltv_per_purchaser": "Historical LTV"}
    )
    figure = px.bar(
        ltv,
        x="segment_value",
        y="amount",
        color="measure",
        barmode="group",
        title="Lifetime value by segment",
        labels={"segment_value": "", "amount": "Per purchaser", "measure": ""},
    )
    _chart(figure, "value_ltv")

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
        long = holdout.melt(
            id_vars="frequency_bucket",
            value_vars=["actual_mean_transactions", "predicted_mean_transactions"],
            var_name="measure",
            value_name="transactions",
        )
        long["measure"] = long["measure"].map(
            {"actual_mean_transactions": "Actual", "predicted_mean_transactions": "Predicted"}
        )
        figure = px.bar(
            long,
            x="frequency_bucket",
            y="transactions",
            color="measure",
            barmode="group",
            title="Holdout: repeat transactions per customer",
            labels={
                "frequency_bucket": "Repeat purchases in calibration",
                "transactions": "Mean in holdout",
                "measure": "",
            },
        )
        _chart(figure, "value_holdout")

    rfm = (
        customers.dropna(subset=["recency_score", "frequency_score"])
        .groupby(["recency_score", "frequency_score"])
        .size()
        .reset_index(name="customers")
    )
    grid = rfm.pivot(index="frequency_score", columns="recency_score", values="customers")
    figure = px.imshow(
        grid.fillna(0).values,
        x=[str(c) for c in grid.columns],
        y=[str(i) for i in grid.index],
        color_continuous_scale="Greens",
        labels={"x": "Recency score", "y": "Frequency score", "color": "Customers"},
        title="RFM map: customers by recency and frequency score",
        origin="lower",
    )
    _chart(figure, "value_rfm")


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
            go.Scatter(
                x=pd.concat([answered.month_start_date, answered.month_start_date[::-1]]),
                y=pd.concat([answered.nps_ci_high, answered.nps_ci_low[::-1]]),
                fill="toself",
                line={"width": 0},
                opacity=0.2,
                name="95% interval",
            ),
            go.Scatter(
                x=answered.month_start_date, y=answered.nps, mode="lines+markers", name="NPS"
            ),
        ]
    )
    figure.update_layout(
        title="NPS by month, with its 95% interval", yaxis_title="NPS", xaxis_title="Month"
    )
    _chart(figure, "voice_nps")

    satisfaction = query(
        "select month_start_date, csat, ces from marts.fct_satisfaction_monthly "
        "where month_start_date between ? and ? order by 1",
        filters.months(),
    )
    left, right = st.columns(2)
    with left:
        figure = px.line(
            satisfaction,
            x="month_start_date",
            y="csat",
            title="CSAT (%)",
            labels={"month_start_date": "Month", "csat": "% satisfied (4-5)"},
        )
        _chart(figure, "voice_csat")
    with right:
        figure = px.line(
            satisfaction,
            x="month_start_date",
            y="ces",
            title="CES (1-7)",
            labels={"month_start_date": "Month", "ces": "Mean effort score"},
        )
        _chart(figure, "voice_ces")

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
    _chart(figure, "voice_segments")

    referrals = query(
        "select month_start_date, live_nps, 100 * referral_rate as referral_rate "
        "from marts.fct_referrals_monthly where month_start_date between ? and ? order by 1",
        filters.months(),
    ).melt(id_vars="month_start_date", var_name="measure", value_name="percent")
    referrals["measure"] = referrals["measure"].map(
        {
            "live_nps": "Live NPS: % shown the offer who shared it",
            "referral_rate": "Referral rate: % of new customers referred",
        }
    )
    figure = px.line(
        referrals,
        x="month_start_date",
        y="percent",
        color="measure",
        title="Live NPS and referral rate",
        labels={"month_start_date": "Month", "percent": "%", "measure": ""},
    )
    _chart(figure, "voice_referrals")


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
    figure = px.area(
        funnel,
        x="month_start_date",
        y="customers",
        color="loyalty_stage",
        category_orders={"loyalty_stage": STAGES},
        title="Loyalty stages over time (at each month's end)",
        labels={"month_start_date": "Month", "customers": "Customers", "loyalty_stage": "Stage"},
    )
    _chart(figure, "loyalty_funnel")

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
        grid = moves.pivot_table(
            index="from_stage", columns="to_stage", values="customers", aggfunc="sum", fill_value=0
        )
        order = [s for s in STAGES if s in grid.index or s in grid.columns]
        grid = grid.reindex(index=order, columns=order, fill_value=0)
        figure = px.imshow(
            grid.values,
            x=order,
            y=order,
            text_auto=True,
            color_continuous_scale="Purples",
            labels={
                "x": "Stage at this month's end",
                "y": "Stage a month before",
                "color": "Customers",
            },
            title="Stage transitions between two month ends",
        )
        _chart(figure, "loyalty_transitions")

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
    _chart(figure, "loyalty_types")
