"""Entry point of the dashboard: `streamlit run` this file (`loyalty dashboard` does).

Checks the warehouse first (a missing, empty or locked warehouse gets one sentence,
not a traceback), then draws the sidebar's filters and the chosen page."""

from __future__ import annotations

import streamlit as st

from loyalty_warehouse.dashboard import pages
from loyalty_warehouse.dashboard.charts import Filters
from loyalty_warehouse.dashboard.warehouse import WarehouseUnavailable, check, query

st.set_page_config(page_title="Loyalty warehouse", page_icon=":bar_chart:", layout="wide")


def sidebar() -> Filters:
    months = query(
        "select month_start_date from marts.fct_retention_monthly order by 1"
    ).month_start_date.tolist()
    if not months:
        raise WarehouseUnavailable("The warehouse has no purchases yet: nothing to show.")
    st.sidebar.header("Filters")
    default_start = months[max(0, len(months) - 24)]
    first, last = st.sidebar.select_slider(
        "Months",
        options=months,
        value=(default_start, months[-1]),
        format_func=lambda m: f"{m:%b %Y}",
    )
    segments = query("select distinct acquisition_channel, country_code from marts.dim_customers")
    channels = st.sidebar.multiselect(
        "Acquisition channel",
        sorted(segments.acquisition_channel.dropna().unique()),
        help="Customer-level charts only (CLV, RFM); monthly marts cover every customer.",
    )
    countries = st.sidebar.multiselect(
        "Country",
        sorted(segments.country_code.dropna().unique()),
        help="Customer-level charts only (CLV, RFM); monthly marts cover every customer.",
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
            page(pages.overview, "Overview", "overview", ":material/dashboard:"),
            page(pages.retention, "Retention", "retention", ":material/group:"),
            page(pages.value, "Value", "value", ":material/payments:"),
            page(pages.voice, "Voice of the customer", "voice", ":material/forum:"),
            page(pages.loyalty, "Loyalty", "loyalty", ":material/favorite:"),
        ]
    ).run()


main()
