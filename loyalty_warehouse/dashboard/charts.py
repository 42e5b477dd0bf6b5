"""What every page draws with: the sidebar's filters, number formats, and the few
chart shapes the pages share, drawn with Plotly (bundled with Streamlit: nothing is
fetched from the web)."""

from __future__ import annotations

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


def show(figure: go.Figure, key: str) -> None:
    figure.update_layout(margin={"l": 10, "r": 10, "t": 40, "b": 10})
    st.plotly_chart(figure, use_container_width=True, key=key)


def percent(value) -> str:
    return "-" if pd.isna(value) else f"{value:.1%}"


def delta(latest, previous, kind: str = "number") -> str | None:
    """The change from the previous month: in percentage points for a rate, whole for
    a count."""
    if pd.isna(latest) or pd.isna(previous):
        return None
    change = latest - previous
    return {"rate": f"{change * 100:+.1f} pp", "count": f"{change:+,.0f}"}.get(
        kind, f"{change:+,.1f}"
    )


def by_month(
    kind: str, frame: pd.DataFrame, y: str, label: str, title: str, key: str, **options
) -> None:
    """One column of a monthly frame against its month_start_date (px.line, px.bar,
    px.area, ...); ``labels`` in the options name any other column shown."""
    labels = {"month_start_date": "Month", y: label, **options.pop("labels", {})}
    figure = getattr(px, kind)(frame, x="month_start_date", y=y, title=title, labels=labels,
                               **options)  # fmt: skip
    show(figure, key)


def measures(
    kind: str,
    frame: pd.DataFrame,
    x: str,
    named: dict[str, str],
    value_name: str,
    key: str,
    title: str,
    labels: dict[str, str],
    **options,
) -> None:
    """Several columns of one frame as one chart (px.line, px.bar, ...), a colour each:
    ``named`` maps each column to its legend name."""
    long = frame.melt(id_vars=x, value_vars=list(named), var_name="measure",
                      value_name=value_name)  # fmt: skip
    long["measure"] = long["measure"].map(named)
    figure = getattr(px, kind)(long, x=x, y=value_name, color="measure", title=title,
                               labels={**labels, "measure": ""}, **options)  # fmt: skip
    show(figure, key)


def grid(
    table: pd.DataFrame, key: str, title: str, colors: str, labels: dict[str, str], **options
) -> None:
    """A table of numbers (rows by columns) as a heatmap, its labels as they are."""
    figure = px.imshow(
        table.values,
        x=[str(c) for c in table.columns],
        y=[str(i) for i in table.index],
        color_continuous_scale=colors,
        labels=labels,
        title=title,
        **options,
    )
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
