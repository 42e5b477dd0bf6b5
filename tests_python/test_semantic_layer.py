"""The semantic layer (models/semantic/): MetricFlow's configs validate against
a built warehouse; `mf query` gives, month by month, the values of the marts; and
every metric by month, quarter and year, with and without the acquisition channel,
equals SQL written here over the marts' rows (docs/dashboard-and-metrics.md, "What
each metric means over a period"). Stocks refuse a grain finer than the month."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest

from conftest import FIXTURES, ROOT, run_dbt
from loyalty_warehouse import generate as g
from loyalty_warehouse.paths import published_path
from loyalty_warehouse.publish import publish_duckdb

pytestmark = pytest.mark.dbt

MF = str(Path(sys.executable).with_name("mf"))
# metric -> (mart, column): the mart's monthly value the metric must equal
MONTHLY = {
    "revenue": ("fct_retention_monthly", "revenue"),
    "orders": ("fct_retention_monthly", "orders"),
    "aov": ("fct_retention_monthly", "aov"),
    "buyers": ("fct_retention_monthly", "buyers"),
    "new_customers": ("fct_retention_monthly", "new_customers"),
    "churn_rate": ("fct_retention_monthly", "churn_rate"),
    "retention_rate": ("fct_retention_monthly", "retention_rate"),
    "crr": ("fct_retention_monthly", "crr"),
    "repeat_purchase_rate": ("fct_retention_monthly", "rpr"),
    "nps": ("fct_nps_monthly", "nps"),
    "csat": ("fct_satisfaction_monthly", "csat"),
    "ces": ("fct_satisfaction_monthly", "ces"),
    "live_nps": ("fct_referrals_monthly", "live_nps"),
    "referral_rate": ("fct_referrals_monthly", "referral_rate"),
}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("semantic")
    g.write_raw(g.GeneratorConfig(customers=1_500, seed=11), folder / "raw")
    built = run_dbt(folder / "raw", folder / "warehouse.duckdb")
    assert built.returncode == 0, built.output
    # mf reads target/semantic_manifest.json of the project, where `dbt parse` writes
    # it; the tables it names are in catalog "warehouse", the file's name as in a build
    parsed = subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), "parse", "--project-dir", str(ROOT)],
        env={
            **os.environ,
            "LOYALTY_DB_PATH": str(built.db_path),
            "DBT_PROFILES_DIR": str(ROOT),
            "DBT_PARTIAL_PARSE": "false",
            "DBT_LOG_PATH": str(folder / "logs"),
        },
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert parsed.returncode == 0, parsed.stdout + parsed.stderr
    # mf's target (bi) reads the published snapshot, as `loyalty build` leaves it
    publish_duckdb(built.db_path, published_path(built.db_path))
    return built.db_path


def mf(warehouse: Path, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "LOYALTY_DB_PATH": str(warehouse),
        "LOYALTY_DBT_TARGET": "bi",
        "DBT_PROFILES_DIR": str(ROOT),
        "DBT_PROJECT_DIR": str(ROOT),
        "DBT_LOG_PATH": str(warehouse.parent / "logs"),
    }
    return subprocess.run([MF, *args], env=env, capture_output=True, text=True, cwd=ROOT)


def mf_query(warehouse: Path, metrics: list[str], group_by: str) -> list[dict]:
    out = warehouse.parent / f"query_{group_by}.csv"
    done = mf(
        warehouse,
        "query",
        "--metrics",
        ",".join(metrics),
        "--group-by",
        group_by,
        "--order",
        group_by,
        "--csv",
        str(out),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    with out.open() as fh:
        return list(csv.DictReader(fh))


def number(text: str) -> float | None:
    return float(text) if text not in ("", None) else None


def close(a: float | None, b: float | None, rtol: float = 1e-9) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= rtol * max(abs(a), abs(b)) + 1e-12


def test_metricflow_configs_validate_against_the_warehouse(warehouse):
    done = mf(warehouse, "validate-configs")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "validated metrics against data warehouse (ERRORS: 0" in done.stdout


def test_every_metric_equals_the_marts_month_by_month(warehouse):
    rows = mf_query(warehouse, list(MONTHLY), "metric_time__month")
    by_month = {date.fromisoformat(r["metric_time__month"][:10]): r for r in rows}
    compared = 0
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for metric, (mart, column) in MONTHLY.items():
            mart_rows = con.execute(
                f"select month_start_date, {column} from marts.{mart} order by 1"
            ).fetchall()
            assert len(mart_rows) > 24, mart
            for month, expected in mart_rows:
                got = number(by_month.get(month, {}).get(metric))
                expected = float(expected) if expected is not None else None
                if metric == "aov" and got is not None:
                    # the mart rounds money to the cent, half away from zero
                    cents = Decimal(repr(got)).quantize(Decimal("0.000001"))
                    got = float(cents.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
                assert close(got, expected), (metric, month, got, expected)
                compared += 1
    assert compared > 300


# Every metric over a period, by hand from the marts' rows (the SQL file says how)
BY_HAND = (FIXTURES / "semantic_layer" / "metrics_by_hand.sql").read_text()


def ratio(numerator, denominator):
    return None if not denominator else numerator / denominator


def by_hand(warehouse: Path, grain: str, segment: str) -> dict[tuple, dict]:
    """The metrics of every (period, segment) from BY_HAND; missing counts are 0, and
    a segment of None is every customer (or the anonymous answers, by channel)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        missing = "'anonymous'" if segment != "'all'" else segment
        if segment != "'all'":
            segment = f"coalesce({segment}, 'unknown')"
        cursor = con.execute(BY_HAND.format(grain=grain, segment=segment, missing=missing))
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    out = {}
    for r in rows:
        n = {k: (float(v) if v is not None else 0.0) for k, v in r.items()
             if k not in ("period", "segment", "predicted_clv")}  # fmt: skip
        start, end = n["customers_start"], n["customers_end"]
        segment = None if r["segment"] == "all" else r["segment"]
        out[(r["period"], segment)] = {
            "revenue": n["revenue"],
            "orders": n["orders"],
            "buyers": n["buyers"],
            "aov": ratio(n["revenue"], n["orders"]),
            "purchase_frequency": ratio(n["orders"], n["buyers"]),
            "new_customers": n["new_customers"],
            "reactivated_customers": n["reactivated_customers"],
            "churned_customers": n["churned_customers"],
            "customers_start": start,
            "customers_end": end,
            "churned_customers_from_start": n["churned_customers_from_start"],
            "churn_rate": ratio(n["churned_customers_from_start"], start),
            "retention_rate": ratio(start - n["churned_customers_from_start"], start),
            "crr": ratio(end - n["new_customers_at_end"], start),
            "repeat_purchase_rate": ratio(n["repeat_purchasers_to_date"], n["purchasers_to_date"]),
            "nps": ratio(100.0 * (n["promoters"] - n["detractors"]), n["nps_responses"]),
            "csat": ratio(100.0 * n["csat_satisfied"], n["csat_responses"]),
            "ces": ratio(n["ces_score_total"], n["ces_responses"]),
            "live_nps": ratio(100.0 * n["customers_shared"], n["customers_offered"]),
            "referral_rate": ratio(n["referred_new_customers"], n["purchasers"]),
            "historical_ltv_per_purchaser": ratio(n["historical_revenue"], n["purchasers"]),
            "predicted_clv": float(r["predicted_clv"]) if r["predicted_clv"] is not None else None,
        }
    return out


# the metrics of docs/dashboard-and-metrics.md and the counts they are made of
PERIOD_METRICS = [
    "revenue", "orders", "buyers", "aov", "purchase_frequency", "new_customers",
    "reactivated_customers", "churned_customers", "customers_start", "customers_end",
    "churned_customers_from_start", "churn_rate", "retention_rate", "crr",
    "repeat_purchase_rate", "nps", "csat", "ces", "live_nps", "referral_rate",
    "historical_ltv_per_purchaser", "predicted_clv",
]  # fmt: skip


@pytest.mark.parametrize("grain", ["month", "quarter", "year"])
@pytest.mark.parametrize("by_channel", [False, True], ids=["all", "by_channel"])
def test_every_metric_over_a_period_equals_sql_over_the_marts(warehouse, grain, by_channel):
    group_by = f"metric_time__{grain}"
    if by_channel:
        group_by += ",customer__acquisition_channel"
    rows = mf_query(warehouse, PERIOD_METRICS, group_by)
    expected = by_hand(warehouse, grain, "acquisition_channel" if by_channel else "'all'")
    got = {}
    for row in rows:
        period = date.fromisoformat(row[f"metric_time__{grain}"][:10])
        segment = row.get("customer__acquisition_channel") or None
        got[(period, segment)] = {m: number(row[m]) for m in PERIOD_METRICS}
    assert set(got) == set(expected), set(got) ^ set(expected)
    compared = 0
    for key, metrics in expected.items():
        for metric, value in metrics.items():
            mine = got[key][metric]
            assert close(mine, value), (grain, key, metric, mine, value)
            compared += value is not None
    assert compared > {"month": 600, "quarter": 200, "year": 50}[grain]


def test_distinct_counts_and_stocks_are_not_sums_of_months(warehouse):
    """A year's buyers are fewer than the twelve months' buyers summed, and its
    customers at the start are January's, not the twelve months' starts summed."""
    years = {r["metric_time__year"][:4]: r for r in mf_query(
        warehouse, ["buyers", "customers_start"], "metric_time__year")}  # fmt: skip
    with duckdb.connect(str(warehouse), read_only=True) as con:
        summed = con.execute(
            "select year(month_start_date)::varchar, sum(buyers), sum(customers_start), "
            "arg_min(customers_start, month_start_date) "
            "from marts.fct_retention_monthly group by 1"
        ).fetchall()
    full_years = [row for row in summed if row[0] in years and float(row[3]) > 0]
    assert full_years
    for year, buyers, starts, january in full_years:
        assert number(years[year]["buyers"]) < buyers
        assert number(years[year]["customers_start"]) == january < starts


@pytest.mark.parametrize("grain", ["day", "week"])
def test_flows_by_day_and_week_and_stocks_refused(warehouse, grain):
    rows = mf_query(warehouse, ["revenue", "orders", "buyers", "nps"], f"metric_time__{grain}")
    expected = by_hand(warehouse, grain, "'all'")
    assert len(rows) > 50
    for row in rows:
        period = date.fromisoformat(row[f"metric_time__{grain}"][:10])
        for metric in ("revenue", "orders", "buyers", "nps"):
            assert close(number(row[metric]), expected[(period, None)][metric]), (period, metric)
    # a stock has no value by day or week: MetricFlow refuses, naming the measure
    for metric in ("customers_start", "churn_rate", "crr", "repeat_purchase_rate"):
        done = mf(warehouse, "query", "--metrics", metric, "--group-by", f"metric_time__{grain}")
        assert done.returncode != 0, (metric, done.stdout)
        assert "does not match any of the available group-by-items" in done.stdout + done.stderr


def test_period_rates_of_the_demo_stay_within_zero_and_one(warehouse):
    """Over every month, quarter and year, by channel too, the churn and retention
    rates are shares of the customers at the period's start: never below 0 or above 1
    (they were 1.03 and -0.03 when a year's churns counted its new customers)."""
    checked = 0
    for grain in ("month", "quarter", "year"):
        group_by = f"metric_time__{grain},customer__acquisition_channel"
        for row in mf_query(warehouse, ["churn_rate", "retention_rate"], group_by):
            for metric in ("churn_rate", "retention_rate"):
                value = number(row[metric])
                if value is not None:
                    assert 0 <= value <= 1, (grain, row)
                    checked += 1
    assert checked > 200


def test_a_missing_channel_and_anonymous_answers_are_named_segments(warehouse):
    """By channel, no group is blank: anonymous answers are the segment 'anonymous'
    (NPS only), customers without a channel 'unknown'."""
    rows = mf_query(warehouse, ["nps", "nps_responses", "orders"],
                    "metric_time__year,customer__acquisition_channel")  # fmt: skip
    segments = {row["customer__acquisition_channel"] for row in rows}
    assert "" not in segments and None not in segments
    anonymous = [row for row in rows if row["customer__acquisition_channel"] == "anonymous"]
    assert anonymous and all(number(row["nps_responses"]) > 0 for row in anonymous)
    assert all(number(row["orders"]) in (0, None) for row in anonymous)
