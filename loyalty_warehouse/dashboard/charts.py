"""What every page draws with: the sidebar's filters, number formats, and the few
chart shapes the pages share, drawn with Plotly (bundled with Streamlit: nothing is
fetched from the web). Monthly charts are labelled by month at every range."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

STAGES = ["prospect", "first_time", "repeat", "loyal", "advocate", "lapsed"]
SEGMENT_LABELS = {
    "all": "All customers",
    "acquisition_channel": "Acquisition channel",
    "country_code": "Country",
    "first_purchase_quarter": "First purchase quarter",
    "cohort_year": "Cohort year",
    "loyalty_stage": "Loyalty stage",
}
# the sidebar's segment filters: the dim_customers column each filters
SEGMENT_COLUMNS = {"channels": "acquisition_channel", "countries": "country_code"}
# the months of a range (two parameters, its first and last month), as SQL
MONTHS = (
    "select unnest(generate_series(?::date, ?::date, interval 1 month))::date as month_start_date"
)


@dataclass
class Filters:
    """The sidebar's choices: a range of months and the customers' segments."""

    first_month: date
    last_month: date
    channels: list[str]
    countries: list[str]

    def months(self) -> list:
        return [self.first_month, self.last_month]

    @property
    def last_day(self) -> date:
        """The last day of the range's last month."""
        following = (pd.Timestamp(self.last_month) + pd.offsets.MonthBegin(1)).date()
        return following - pd.Timedelta(days=1)

    @property
    def is_segmented(self) -> bool:
        return bool(self.channels or self.countries)

    def customer_filter(self, alias: str = "customers") -> tuple[str, list]:
        """SQL condition and parameters on dim_customers for the chosen segments."""
        conditions, params = ["true"], []
        for attribute, column in SEGMENT_COLUMNS.items():
            values = getattr(self, attribute)
            if values:  # a customer without a channel or country is in 'unknown'
                placeholders = ", ".join("?" for _ in values)
                conditions.append(f"coalesce({alias}.{column}, 'unknown') in ({placeholders})")
                params.extend(values)
        return " and ".join(conditions), params

    def chosen_in(self, segment_type: str) -> list[str]:
        """The sidebar's values of a segment type (none for one it does not filter)."""
        chosen = {column: getattr(self, name) for name, column in SEGMENT_COLUMNS.items()}
        return chosen.get(segment_type) or []

    def keep_chosen(self, frame: pd.DataFrame, segment_type: str) -> pd.DataFrame:
        """The rows of a by-segment mart (its segment_value) among the sidebar's choices
        when the segment type is one the sidebar filters; every row otherwise."""
        values = self.chosen_in(segment_type)
        return frame[frame.segment_value.isin(values)] if values else frame

    def range_text(self) -> str:
        if self.first_month == self.last_month:
            return f"{self.first_month:%B %Y}"
        return f"{self.first_month:%B %Y} to {self.last_month:%B %Y}"

    def segments_text(self) -> str:
        """The chosen customers, in words."""
        parts = []
        if self.channels:
            parts.append("acquisition channel " + ", ".join(self.channels))
        if self.countries:
            parts.append("country " + ", ".join(self.countries))
        return "customers of " + " and ".join(parts) if parts else "every customer"


def scope(text: str) -> None:
    """What a figure covers: its period and the filters it follows or ignores."""
    st.caption(text)


def show(figure: go.Figure, key: str) -> None:
    figure.update_layout(margin={"l": 10, "r": 10, "t": 40, "b": 10})
    st.plotly_chart(figure, use_container_width=True, key=key)


def percent(value) -> str:
    return "-" if pd.isna(value) else f"{value:.1%}"


def money(value, currency: str) -> str:
    """An amount in the reporting currency: 1,234.56 USD."""
    return "-" if pd.isna(value) else f"{value:,.2f} {currency}"


def delta(latest, previous, kind: str = "number") -> str | None:
    """The change from the previous month: in percentage points for a rate, whole for
    a count."""
    if pd.isna(latest) or pd.isna(previous):
        return None
    change = latest - previous
    return {"rate": f"{change * 100:+.1f} pp", "count": f"{change:+,.0f}"}.get(
        kind, f"{change:+,.1f}"
    )


def nps_with_interval(promoters, detractors, responses) -> tuple[float, float, float]:
    """NPS and its 95% interval from the counts, as docs/marts.md defines them (the
    macro nps_columns computes the marts' own): nps = 100 (pP - pD), half-width
    196 sqrt((pP + pD - (pP - pD)^2) / n), clamped to [-100, 100]. NaN without
    answers."""
    if not responses:
        return math.nan, math.nan, math.nan
    p, d = promoters / responses, detractors / responses
    nps = 100.0 * (p - d)
    half = 196.0 * math.sqrt(max(p + d - (p - d) ** 2, 0.0) / responses)
    return nps, max(-100.0, nps - half), min(100.0, nps + half)


def month_axis(figure: go.Figure, first: date, last: date) -> go.Figure:
    """Ticks at month starts, labelled by month ("Oct 2025"), whatever the range: a
    tick a month up to 12 months, every second or third month beyond."""
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    step = max(1, math.ceil(months / 12))
    half_month = pd.Timedelta(days=15)
    figure.update_xaxes(
        dtick=f"M{step}",
        tick0=pd.Timestamp(first),
        tickformat="%b %Y",
        range=[pd.Timestamp(first) - half_month, pd.Timestamp(last) + half_month],
    )
    return figure


def by_month(
    kind: str, frame: pd.DataFrame, y: str, label: str, title: str, key: str,
    filters: Filters, **options,
) -> None:  # fmt: skip
    """One column of a monthly frame against its month_start_date (px.line, px.bar,
    px.area, ...); ``labels`` in the options name any other column shown."""
    labels = {"month_start_date": "Month", y: label, **options.pop("labels", {})}
    figure = getattr(px, kind)(frame, x="month_start_date", y=y, title=title, labels=labels,
                               **options)  # fmt: skip
    show(month_axis(figure, filters.first_month, filters.last_month), key)


def measures(
    kind: str,
    frame: pd.DataFrame,
    x: str,
    named: dict[str, str],
    value_name: str,
    key: str,
    title: str,
    labels: dict[str, str],
    filters: Filters | None = None,
    **options,
) -> None:
    """Several columns of one frame as one chart (px.line, px.bar, ...), a colour each:
    ``named`` maps each column to its legend name. With ``filters``, x is a month."""
    long = frame.melt(id_vars=x, value_vars=list(named), var_name="measure",
                      value_name=value_name)  # fmt: skip
    long["measure"] = long["measure"].map(named)
    figure = getattr(px, kind)(long, x=x, y=value_name, color="measure", title=title,
                               labels={**labels, "measure": ""}, **options)  # fmt: skip
    if filters is not None:
        month_axis(figure, filters.first_month, filters.last_month)
    show(figure, key)


def grid(
    table: pd.DataFrame, key: str, title: str, colors: str, labels: dict[str, str], **options
) -> None:
    """A table of numbers (rows by columns) as a heatmap, its labels as they are: each
    row and column one category (a cohort "2025-09" stays a row, never a date axis)."""
    figure = px.imshow(
        table.values,
        x=[str(c) for c in table.columns],
        y=[str(i) for i in table.index],
        color_continuous_scale=colors,
        labels=labels,
        title=title,
        **options,
    )
    figure.update_xaxes(type="category")
    figure.update_yaxes(type="category")
    show(figure, key)


def band(x: pd.Series, low: pd.Series, high: pd.Series, name: str, **style) -> go.Scatter:
    """A shaded interval between two lines (a 95% band), drawn under its curve."""
    return go.Scatter(
        x=pd.concat([x, x.iloc[::-1]]),
        y=pd.concat([high, low.iloc[::-1]]),
        fill="toself",
        line={"width": 0},
        name=name,
        **style,
    )
