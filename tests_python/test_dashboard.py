"""The dashboard in a real browser (Debian's Chromium, headless, through
pytest-playwright): every page loads without an error element or a console error,
makes no request outside 127.0.0.1, draws its charts and shows one number equal to
the mart's; a screenshot per page goes to target/screenshots/. A missing or locked
warehouse gets a sentence, not a traceback.

Never `playwright install`: the browser is Debian's (`.ci/run` installs it). Under
CI=true a missing browser fails the tests instead of skipping them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import duckdb
import pytest

from conftest import ROOT, run_dbt
from loyalty_warehouse import generate as g

pytestmark = pytest.mark.dbt

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = ROOT / "target" / "screenshots"
# page -> its title, and the charts it draws at least
PAGES = {
    "overview": ("Overview", 1),
    "retention": ("Retention", 3),
    "value": ("Value", 4),
    "voice": ("Voice of the customer", 5),
    "loyalty": ("Loyalty", 3),
}


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


def stop(proc) -> None:
    """Stop a dashboard (the `loyalty dashboard` process is Streamlit itself)."""
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=20)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_dashboard(db: Path):
    port = free_port()
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("loyalty")),
            "dashboard",
            "--db",
            str(db),
            "--port",
            str(port),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
                if response.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.25)
    proc.kill()
    raise AssertionError(f"the dashboard did not start:\n{proc.stdout.read()}")


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


def open_page(page, url: str, title: str) -> tuple[list[str], list[str]]:
    """Open the dashboard and go to a page by its link in the sidebar, as a person
    does; the console errors and the requests to other hosts it made."""
    errors, outside = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on(
        "request",
        lambda r: (
            outside.append(r.url) if urlparse(r.url).hostname not in (None, "127.0.0.1") else None
        ),
    )
    page.goto(url)
    page.wait_for_selector('[data-testid="stMetricValue"]', timeout=60_000)
    if title != "Overview":
        page.locator('[data-testid="stSidebarNav"] a', has_text=title).click()
    page.locator("h1", has_text=title).wait_for(timeout=60_000)
    page.wait_for_selector('[data-testid="stMetricValue"]', timeout=60_000)
    return errors, outside


def mart_value(warehouse: Path, sql: str):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()[0]


def metric(page, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]', has_text=label).first
    return box.locator('[data-testid="stMetricValue"]').inner_text().strip()


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
        (clv,) = mart_value(
            warehouse, "select avg(predicted_clv) from marts.dim_customers where is_purchaser"
        )
        assert metric(page, "Mean predicted CLV") == f"{clv:,.2f}"
    else:
        (customers,) = mart_value(
            warehouse, "select customers from marts.fct_loyalty_types where loyalty_type = 'true'"
        )
        assert customers > 0
        assert metric(page, "True-loyalty customers") == f"{customers:,}"
    if name == "overview":
        # the sidebar's default months (the last 24) as one period: distinct buyers
        # over it, and churns in it over the customers at its start
        (buyers, churn_rate) = mart_value(
            warehouse,
            """
            with months as (
                select min(month_start_date) as first_month, max(month_start_date) as last
                from (select month_start_date from marts.fct_retention_monthly
                      order by 1 desc limit 24)
            )
            select
                (select count(distinct customer_id) from marts.fct_orders, months
                 where is_purchase and month_start_date between first_month and last),
                (select count(distinct customer_id) from marts.fct_churn_events, months
                 where event_type = 'churn'
                 and date_trunc('month', event_date) between first_month and last)
                / (select customers_start from marts.fct_retention_monthly, months
                   where month_start_date = first_month)
            from months
            """,
        )
        assert metric(page, "Buyers in the period") == f"{buyers:,}"
        assert metric(page, "Churn rate over the period") == f"{churn_rate:.1%}"

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # the page scrolls inside Streamlit's own container: a tall window shows it whole
    page.set_viewport_size({"width": 1280, "height": 2600})
    page.wait_for_timeout(1_500)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


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

    pages_dir = ROOT / "loyalty_warehouse" / "dashboard" / "pages"
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
        assert set(re.findall(r"marts\.(\w+)", body)) == declared[exposure], function
