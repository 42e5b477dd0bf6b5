"""The semantic layer (models/marts/semantic/): MetricFlow's configs validate against
a built warehouse, and `mf query` gives, month by month, the values of the marts;
over a quarter and by acquisition channel, the rates come from summed counts, never
from an average of monthly rates."""

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

from conftest import ROOT, run_dbt
from loyalty_warehouse import generate as g

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


def test_rates_over_a_quarter_and_by_channel_come_from_summed_counts(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        # by hand from the answers: promoters, detractors and answers per quarter
        by_quarter = dict(
            con.execute(
                """
                select
                    date_trunc('quarter', month_start_date)::date,
                    100.0 * (count(case when nps_category = 'promoter' then 1 end)
                        - count(case when nps_category = 'detractor' then 1 end))
                        / count(nps_category)
                from marts.fct_survey_responses
                where survey_type = 'nps'
                group by 1
                """
            ).fetchall()
        )
        mean_of_months = dict(
            con.execute(
                "select date_trunc('quarter', month_start_date)::date, avg(nps) "
                "from marts.fct_nps_monthly group by 1"
            ).fetchall()
        )
        # churn rate by acquisition channel, from the customer months by hand
        by_channel = dict(
            con.execute(
                """
                select
                    customers.acquisition_channel,
                    count(case when months.is_churned_in_month then 1 end)::double
                        / count(case when months.status_at_month_start
                            in ('active', 'at_risk') then 1 end)
                from marts.fct_customer_months as months
                inner join marts.dim_customers as customers using (customer_id)
                group by 1
                """
            ).fetchall()
        )
    quarters = mf_query(warehouse, ["nps"], "metric_time__quarter")
    assert len(quarters) >= 10
    differs_from_the_mean = 0
    for row in quarters:
        quarter = date.fromisoformat(row["metric_time__quarter"][:10])
        assert close(number(row["nps"]), by_quarter[quarter]), (quarter, row)
        differs_from_the_mean += abs(by_quarter[quarter] - mean_of_months[quarter]) > 1e-6
    assert differs_from_the_mean >= 3

    channels = mf_query(warehouse, ["churn_rate"], "customer__acquisition_channel")
    assert {r["customer__acquisition_channel"] for r in channels} == set(by_channel)
    for row in channels:
        expected = by_channel[row["customer__acquisition_channel"]]
        assert close(number(row["churn_rate"]), expected), row
