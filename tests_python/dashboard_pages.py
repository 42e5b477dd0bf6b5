"""What the dashboard tests share: the pages, the ranges and channel they pick, the
dashboard started and stopped as a process, a page opened as a person does, and the
figures the pages must show, by SQL written here (test_dashboard.py)."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import duckdb

from conftest import ROOT

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


def open_page(page, url: str, title: str, navigate: bool = True) -> tuple[list[str], list[str]]:
    """Open the dashboard and go to a page by its link in the sidebar, as a person
    does (or, with navigate False, at the page's own address); the console errors and
    the requests to other hosts it made."""
    errors, outside = [], []

    def console(message) -> None:
        # a page's own address makes Streamlit's client probe for a base path under it
        # (/retention/_stcore/health answers 404) before it finds the app at the root
        probe = re.search(r"/\w+/_stcore/(health|host-config)$", message.location.get("url", ""))
        if message.type == "error" and not probe:
            errors.append(message.text)

    page.on("console", console)
    page.on(
        "request",
        lambda r: (
            outside.append(r.url) if urlparse(r.url).hostname not in (None, "127.0.0.1") else None
        ),
    )
    page.goto(url)
    page.wait_for_selector('[data-testid="stMetricValue"]', timeout=60_000)
    if navigate and title != "Overview":
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


# the ranges a reader picks most (the months of the demo, whose as-of month is
# December 2025), and the monthly charts of each page by their keys
RANGES = {
    "three-months": ("2025-10", "2025-12"),
    "one-quarter": ("2025-07", "2025-09"),
    "two-years": ("2024-01", "2025-12"),
}
MONTHLY_CHARTS = {
    "overview": ["overview_revenue"],
    "retention": ["retention_flows"],
    "value": [],
    "voice": ["voice_nps", "voice_csat", "voice_ces", "voice_referrals"],
    "loyalty": ["loyalty_funnel"],
}
CHANNEL = "social"


def tick_labels(page, key: str, axis: str = "x") -> list[str]:
    chart = page.locator(f".st-key-{key} .js-plotly-plot")
    chart.wait_for(timeout=60_000)
    texts = chart.locator(f"g.{axis}tick text").evaluate_all("ts => ts.map(t => t.textContent)")
    return [t.strip() for t in texts]


def filtered_figure(warehouse: Path, name: str, first: str, last: str) -> tuple[str, str]:
    """The page's filtered figure for the channel's customers, by SQL written here:
    (its label, its text)."""
    first_day = f"date '{first}-01'"
    last_day = f"(date '{last}-01' + interval 1 month - interval 1 day)::date"
    social = f"customer_id in (select customer_id from marts.dim_customers " \
             f"where acquisition_channel = '{CHANNEL}')"  # fmt: skip
    if name == "overview":
        (rate,) = mart_value(warehouse, f"""
            with at_start as (
                select customer_id from marts.fct_customer_months where {social}
                and month_start_date = {first_day}
                and status_at_month_start in ('active', 'at_risk'))
            select count(distinct churns.customer_id) / (select count(*) from at_start)
            from marts.fct_churn_events as churns join at_start using (customer_id)
            where event_type = 'churn' and event_date between {first_day} and {last_day}
        """)  # fmt: skip
        return "Churn rate over the period", f"{rate:.1%}"
    if name == "retention":
        (cohort, rate) = mart_value(warehouse, f"""
            select date_trunc('month', first_purchase_date)::date as cohort,
                count(case when purchases > 0 then 1 end) / count(*)
            from marts.fct_customer_months where {social}
            and months_since_first_purchase = 1
            and date_trunc('month', first_purchase_date) between {first_day}
                and date '{last}-01' - interval 1 month
            group by 1 order by 1 desc
        """)  # fmt: skip
        return f"Month-1 retention, {cohort:%B %Y} cohort", f"{rate:.1%}"
    if name == "value":
        (clv, currency) = mart_value(warehouse, f"""
            select avg(predicted_clv), (select reporting_currency from marts.build_info)
            from marts.dim_customers where is_purchaser and {social}
        """)  # fmt: skip
        return f"Mean predicted CLV ({currency})", f"{clv:,.2f}"
    if name == "voice":
        (month, promoters, detractors, answers) = mart_value(warehouse, f"""
            select month_start_date, count(case when nps_category = 'promoter' then 1 end),
                count(case when nps_category = 'detractor' then 1 end), count(*)
            from marts.fct_survey_responses where survey_type = 'nps' and {social}
            and month_start_date between {first_day} and date '{last}-01'
            group by 1 order by 1 desc
        """)  # fmt: skip
        return f"NPS, {month:%B %Y}", f"{100.0 * (promoters - detractors) / answers:.1f}"
    (customers,) = mart_value(
        warehouse, f"select count(*) from marts.dim_customers where loyalty_type = 'true' "
        f"and {social}",
    )  # fmt: skip
    return "True-loyalty customers", f"{customers:,}"
