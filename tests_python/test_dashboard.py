"""The dashboard in a real browser (Debian's Chromium, headless, through
pytest-playwright): every page loads without an error element or a console error,
makes no request outside 127.0.0.1, draws its charts and shows one number equal to
the mart's; a screenshot per page goes to target/screenshots/. A missing or locked
warehouse gets a sentence, not a traceback.

Never `playwright install`: the browser is Debian's (`.ci/run` installs it). Under
CI=true a missing browser fails the tests instead of skipping them."""

from __future__ import annotations

import os
import re
from pathlib import Path

import duckdb
import pytest

from conftest import ROOT, run_dbt
from dashboard_pages import (
    CHANNEL,
    CHROMIUM,
    MONTHLY_CHARTS,
    PAGES,
    RANGES,
    SCREENSHOTS,
    filtered_figure,
    mart_value,
    metric,
    open_page,
    start_dashboard,
    stop,
    tick_labels,
)  # fmt: skip
from loyalty_warehouse import generate as g

pytestmark = pytest.mark.dbt


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: apt-get install chromium (never playwright install)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("dashboard")
    g.write_raw(g.GeneratorConfig(customers=1_500, seed=5), folder / "raw")
    # a holdout period, so that the value page draws its calibration plot
    built = run_dbt(
        folder / "raw", folder / "warehouse.duckdb", vars_='{"clv_calibration_end": "2025-06-30"}'
    )
    assert built.returncode == 0, built.output
    return built.db_path


@pytest.fixture(scope="module")
def dashboard(warehouse):
    proc, url = start_dashboard(warehouse)
    yield url
    stop(proc)


@pytest.mark.parametrize("name", list(PAGES))
def test_each_page_loads_draws_its_charts_and_shows_the_marts_number(
    page, dashboard, warehouse, name
):
    title, chart_count = PAGES[name]
    errors, outside = open_page(page, dashboard, title)
    charts = page.locator(".js-plotly-plot")
    charts.nth(chart_count - 1).wait_for(timeout=60_000)
    page.wait_for_timeout(1_000)  # let the last chart finish drawing
    assert charts.count() >= chart_count
    for i in range(charts.count()):  # drawn: each chart has plotted marks
        assert charts.nth(i).locator(".main-svg").count() >= 1
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    assert errors == []
    assert outside == []

    if name in ("overview", "voice"):
        (month, nps) = mart_value(
            warehouse,
            "select month_start_date, nps from "
            "marts.fct_nps_monthly where nps is not null order by 1 desc",
        )
        label = "NPS" if name == "overview" else f"NPS, {month:%B %Y}"
        assert metric(page, label) == f"{nps:.1f}"
    elif name == "retention":
        (month, rate) = mart_value(
            warehouse,
            "select cohort_month, retention_rate from "
            "marts.fct_cohort_retention where months_since_first_purchase"
            " = 1 order by 1 desc",
        )
        assert metric(page, f"Month-1 retention, {month:%B %Y} cohort") == f"{rate:.1%}"
    elif name == "value":
        (clv, currency) = mart_value(
            warehouse,
            "select avg(predicted_clv), (select reporting_currency from marts.build_info) "
            "from marts.dim_customers where is_purchaser",
        )
        assert metric(page, f"Mean predicted CLV ({currency})") == f"{clv:,.2f}"
    else:
        (customers,) = mart_value(
            warehouse, "select customers from marts.fct_loyalty_types where loyalty_type = 'true'"
        )
        assert customers > 0
        assert metric(page, "True-loyalty customers") == f"{customers:,}"
    if name == "overview":
        # the sidebar's default months (the last 24) as one period: distinct buyers
        # over it, and of the customers at its start the share who churned in it
        (buyers, churn_rate) = mart_value(
            warehouse,
            """
            with months as (
                select min(month_start_date) as first_month, max(month_start_date) as last
                from (select month_start_date from marts.fct_retention_monthly
                      order by 1 desc limit 24)
            ),
            at_start as (
                select customer_id from marts.fct_customer_months, months
                where month_start_date = first_month
                and status_at_month_start in ('active', 'at_risk')
            )
            select
                (select count(distinct customer_id) from marts.fct_orders, months
                 where is_purchase and month_start_date between first_month and last),
                (select count(distinct customer_id) from marts.fct_churn_events, months
                 where event_type = 'churn' and customer_id in (select * from at_start)
                 and date_trunc('month', event_date) between first_month and last)
                / (select count(*) from at_start)
            from months
            """,
        )
        assert metric(page, "Buyers in the period") == f"{buyers:,}"
        assert metric(page, "Churn rate over the period") == f"{churn_rate:.1%}"
        assert 0 <= churn_rate <= 1

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # the page scrolls inside Streamlit's own container: a tall window shows it whole
    page.set_viewport_size({"width": 1280, "height": 2600})
    page.wait_for_timeout(1_500)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("span", list(RANGES))
@pytest.mark.parametrize("name", list(PAGES))
def test_every_range_is_labelled_by_month_and_a_channel_filter_applies(
    page, dashboard, warehouse, name, span
):
    """Given in the address, a range and a channel: every monthly chart's ticks are
    months ("Oct 2025"), the cohort heatmap's rows whole months, and the page's figure
    for the channel's customers equals SQL written here."""
    first, last = RANGES[span]
    path = "" if name == "overview" else name  # the first page is the root's
    errors, _ = open_page(page, f"{dashboard}/{path}?from={first}&to={last}&channel={CHANNEL}",
                          PAGES[name][0], navigate=False)  # fmt: skip
    for key in MONTHLY_CHARTS[name]:
        labels = tick_labels(page, key)
        assert labels, key
        assert all(re.fullmatch(r"[A-Z][a-z]{2} 20\d\d", label) for label in labels), (key, labels)
    if name == "retention":
        rows = tick_labels(page, "retention_heatmap", "y")
        assert rows and all(re.fullmatch(r"[A-Z][a-z]{2} 20\d\d", r) for r in rows), rows
        columns = tick_labels(page, "retention_heatmap", "x")
        assert all(c.isdigit() for c in columns), columns  # whole months since, no 0.5
    label, expected = filtered_figure(warehouse, name, first, last)
    assert metric(page, label) == expected
    assert errors == []


def test_a_missing_or_locked_warehouse_gets_a_sentence(page, tmp_path, warehouse):
    proc, url = start_dashboard(tmp_path / "nothing-here.duckdb")
    try:
        page.goto(url)
        alert = page.locator('[data-testid="stAlertContentError"]')
        alert.wait_for(timeout=60_000)
        text = alert.inner_text()
        assert "No published warehouse at" in text and "make build" in text
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        stop(proc)

    locked = tmp_path / "locked.duckdb"
    locked.write_bytes(warehouse.read_bytes())
    proc, url = start_dashboard(locked)
    holder = duckdb.connect(str(locked))  # a build holding the file
    try:
        page.goto(url)
        alert = page.locator('[data-testid="stAlertContentError"]')
        alert.wait_for(timeout=60_000)
        assert "locked by another process" in alert.inner_text()
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        holder.close()
        stop(proc)


def test_the_exposures_name_the_marts_each_page_reads():
    import re

    import yaml

    # the pages live in views/: Streamlit would serve a folder named pages/ as pages
    # of its own
    pages_dir = ROOT / "loyalty_warehouse" / "dashboard" / "views"
    exposures = yaml.safe_load((ROOT / "models" / "marts" / "_marts__exposures.yml").read_text())
    declared = {
        e["name"]: {re.search(r"ref\('(\w+)'\)", d).group(1) for d in e["depends_on"]}
        for e in exposures["exposures"]
    }
    pages = {
        "overview": "dashboard_overview",
        "retention": "dashboard_retention",
        "value": "dashboard_value",
        "voice": "dashboard_voice_of_the_customer",
        "loyalty": "dashboard_loyalty",
    }
    assert set(declared) == set(pages.values())
    for function, exposure in pages.items():
        body = (pages_dir / f"{function}.py").read_text()
        read = set(re.findall(r"marts\.(\w+)", body))
        if "build_facts(" in body:  # the as-of date and currency, from marts.build_info
            read.add("build_info")
        assert read == declared[exposure], function
