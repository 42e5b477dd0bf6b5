"""Entry point of the dashboard: `streamlit run` this file (`loyalty dashboard` does).

Checks the warehouse first (a missing, empty or locked warehouse gets one sentence,
not a traceback), then draws the sidebar's filters and the chosen page."""

from __future__ import annotations

import streamlit as st

from loyalty_warehouse.dashboard import views
from loyalty_warehouse.dashboard.charts import Filters
from loyalty_warehouse.dashboard.warehouse import WarehouseUnavailable, check, query

st.set_page_config(page_title="Loyalty warehouse", page_icon=":bar_chart:", layout="wide")


def sidebar() -> Filters:
    """The months and segments to show: chosen in the sidebar, or given in the page's
    address (?from=2025-10&to=2025-12&channel=social&country=DE), which a link keeps."""
    months = query(
        "select month_start_date from marts.fct_retention_monthly order by 1"
    ).month_start_date.tolist()
    if not months:
        raise WarehouseUnavailable("The warehouse has no purchases yet: nothing to show.")
    by_text = {f"{m:%Y-%m}": m for m in months}
    asked = st.query_params
    default_start = months[max(0, len(months) - 24)]
    first = by_text.get(asked.get("from", ""), default_start)
    last = by_text.get(asked.get("to", ""), months[-1])
    st.sidebar.header("Filters")
    first, last = st.sidebar.select_slider(
        "Months",
        options=months,
        value=(min(first, last), max(first, last)),
        format_func=lambda m: f"{m:%b %Y}",
    )
    segments = query(
        "select distinct coalesce(acquisition_channel, 'unknown') as acquisition_channel, "
        "coalesce(country_code, 'unknown') as country_code from marts.dim_customers"
    )
    note = (
        "Applies to every figure computed from the customers' own rows; a figure by "
        "segment or as of the as-of date says under it what it shows."
    )
    channel_options = sorted(segments.acquisition_channel.dropna().unique())
    country_options = sorted(segments.country_code.dropna().unique())
    channels = st.sidebar.multiselect(
        "Acquisition channel",
        channel_options,
        default=[c for c in asked.get_all("channel") if c in channel_options],
        help=note,
    )
    countries = st.sidebar.multiselect(
        "Country",
        country_options,
        default=[c for c in asked.get_all("country") if c in country_options],
        help=note,
    )
    return Filters(first, last, channels, countries)


def main() -> None:
    try:
        check()
        filters = sidebar()
    except WarehouseUnavailable as problem:
        st.title("Loyalty warehouse")
        st.error(str(problem))
        st.stop()

    def page(draw, title: str, path: str, icon: str):
        def run() -> None:
            try:
                draw(filters)
            except WarehouseUnavailable as problem:
                st.error(str(problem))

        return st.Page(run, title=title, url_path=path, icon=icon, default=path == "overview")

    st.navigation(
        [
            page(views.overview, "Overview", "overview", ":material/dashboard:"),
            page(views.retention, "Retention", "retention", ":material/group:"),
            page(views.value, "Value", "value", ":material/payments:"),
            page(views.voice, "Voice of the customer", "voice", ":material/forum:"),
            page(views.loyalty, "Loyalty", "loyalty", ":material/favorite:"),
        ]
    ).run()


main()
