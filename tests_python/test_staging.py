"""Staging and quarantine, run through dbt on small raw folders."""

from __future__ import annotations

import csv
import shutil
from datetime import datetime

import pytest

from conftest import FIXTURES, ROOT
from loyalty_warehouse import generate as g
from loyalty_warehouse.cli import summary
from loyalty_warehouse.contract import RAW_TABLES

pytestmark = pytest.mark.dbt

AS_OF = "{as_of_date: '2024-06-30'}"
# the hand-made fixture is mostly bad rows: let it build, test the threshold apart
AS_OF_TOLERANT = "{as_of_date: '2024-06-30', quarantine_error_share: 1.0}"
STAGED = {
    "customers": "stg_raw__customers",
    "orders": "stg_raw__orders",
    "survey_responses": "stg_raw__survey_responses",
    "referral_offers": "stg_raw__referral_offers",
}


@pytest.fixture(scope="module")
def dirty_build(tmp_path_factory):
    from conftest import run_dbt

    db = tmp_path_factory.mktemp("dirty") / "warehouse.duckdb"
    return run_dbt(FIXTURES / "dirty", db, vars_=AS_OF_TOLERANT)


@pytest.fixture(scope="module")
def minimal_build(tmp_path_factory):
    """Three customers and their orders, nothing else: no surveys, no referrals."""
    from conftest import run_dbt

    return run_dbt(FIXTURES / "minimal", tmp_path_factory.mktemp("minimal") / "warehouse.duckdb")


def test_dirty_fixture_builds_and_quarantines_exactly_the_expected_rows(dirty_build):
    assert dirty_build.returncode == 0, dirty_build.output
    with (FIXTURES / "dirty" / "expected_quarantine.csv").open() as fh:
        expected = {
            (r["source_table"], int(r["source_row_number"]), r["record_id"] or None, r["reason"])
            for r in csv.DictReader(fh)
        }
    got = set(
        dirty_build.query(
            "select source_table, source_row_number, record_id, reason "
            "from quarantine.quarantined_rows"
        )
    )
    assert got == expected


def test_nothing_is_lost(dirty_build):
    for table, model in STAGED.items():
        with (FIXTURES / "dirty" / f"{table}.csv").open() as fh:
            rows_in = sum(1 for _ in csv.DictReader(fh))
        staged = dirty_build.query(f"select count(*) from staging.{model}")[0][0]
        quarantined = dirty_build.query(
            f"select count(*) from quarantine.quarantined_rows where source_table = '{table}'"
        )[0][0]
        assert rows_in == staged + quarantined, table
    # and every reconciliation test ran and passed
    assert dirty_build.output.count("PASS source_reconciles_with_quarantine") == len(RAW_TABLES)


def test_staged_values_are_typed_and_normalised(dirty_build):
    rows = dict(
        dirty_build.query(
            "select customer_id, signed_up_at from staging.stg_raw__customers order by 1"
        )
    )
    assert rows["C2"] == datetime(2024, 1, 2, 8, 0)  # 10:00+02:00 in UTC
    assert set(rows) == {"C1", "C2", "C8", "C10"}
    c1 = dirty_build.query(
        "select country_code, acquisition_channel from staging.stg_raw__customers "
        "where customer_id = 'C1'"
    )
    assert c1 == [("US", "organic")]
    o2 = dirty_build.query(
        "select status, revenue, cost, is_purchase_status from staging.stg_raw__orders "
        "where order_id = 'O2'"
    )
    assert [(s, float(r), c, p) for s, r, c, p in o2] == [("cancelled", 20.5, None, False)]
    scores = dict(
        dirty_build.query("select response_id, score from staging.stg_raw__survey_responses")
    )
    assert scores == {"R1": 10, "R2": 0, "R3": 5, "R4": 7}


def test_raw_record_keeps_the_whole_row(dirty_build):
    record = dirty_build.query(
        "select raw_record from quarantine.quarantined_rows "
        "where source_table = 'customers' and source_row_number = 5"
    )[0][0]
    assert '"signed_up_at":"not a date"' in record
    unicode_row = dirty_build.query(
        "select email from staging.stg_raw__customers where customer_id = 'C10'"
    )
    assert unicode_row == [('Zoë "Z" Ünïcode, Esq.',)]


def test_quarantine_share_warns_above_warn_share(dirty_build):
    for table in STAGED:
        assert f"WARN 1 source_quarantine_share_below_raw_{table}_warn" in dirty_build.output


def test_quarantine_share_fails_the_build_above_error_share(dbt_build):
    # 3 of 16 order rows staged: far above the default error share of 25%
    result = dbt_build(FIXTURES / "dirty", vars_=AS_OF)
    assert result.returncode != 0
    assert "FAIL 1 source_quarantine_share_below_raw_orders_error" in result.output
    # ... yet every model built: only the volume tests failed
    assert "ERROR creating" not in result.output
    assert result.query("select count(*) from staging.stg_raw__orders") == [(3,)]


def test_only_customers_and_orders_builds(minimal_build):
    result = minimal_build
    assert result.returncode == 0, result.output
    assert result.query("select count(*) from staging.stg_raw__orders") == [(3,)]
    assert result.query("select count(*) from staging.stg_raw__survey_responses") == [(0,)]
    assert result.query("select count(*) from staging.stg_raw__referral_offers") == [(0,)]
    assert result.query("select as_of_date from staging.base_raw__as_of_date")[0][
        0
    ].isoformat() == ("2024-02-05")


def _one_error_line(output: str) -> str:
    lines = [line for line in output.splitlines() if "Raw data:" in line]
    assert len(lines) == 1, output
    assert "Traceback" not in output
    return lines[0]


def test_missing_required_column_names_file_and_column(dbt_build, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURES / "minimal", raw)
    (raw / "orders.csv").write_text(
        "order_id,customer_id,ordered_at,status\n1,A,2024-01-05,completed\n"
    )
    result = dbt_build(raw)
    assert result.returncode != 0
    line = _one_error_line(result.output)
    assert "orders" in line and "'revenue'" in line


def test_missing_required_file_names_it(dbt_build, tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(FIXTURES / "minimal" / "orders.csv", raw)
    result = dbt_build(raw)
    assert result.returncode != 0
    line = _one_error_line(result.output)
    assert "customers.parquet (or .csv)" in line


@pytest.mark.parametrize("file_format", ["parquet", "csv"])
def test_generator_dirty_manifest_matches_quarantine(dbt_build, tmp_path, file_format):
    cfg = g.GeneratorConfig(customers=3_000, seed=21, dirty_rate=0.02, file_format=file_format)
    raw = tmp_path / "raw"
    written = g.write_raw(cfg, raw)
    # malformed rows exist only in CSV files
    assert any(r[3] == "malformed_row" for r in written.manifest) == (file_format == "csv")
    result = dbt_build(raw)
    assert result.returncode == 0, result.output
    with (raw / "dirty_manifest.csv").open() as fh:
        injected = {(r["table"], int(r["row_number"]), r["reason"]) for r in csv.DictReader(fh)}
    caught = set(
        result.query(
            "select source_table, source_row_number, reason from quarantine.quarantined_rows"
        )
    )
    assert caught == injected

    # the build summary reports the same quarantine, table by table, and every mart
    facts = summary.facts(result.db_path)
    assert facts["quarantined"] == {
        table: sum(1 for t, _, _ in injected if t == table) for table in RAW_TABLES
    }
    models = (ROOT / "models" / "marts").rglob("*.*")
    marts = {p.stem for p in models if p.suffix in (".sql", ".py")}
    assert set(facts["marts"]) == marts
    assert (
        facts["marts"]["dim_customers"]
        == result.query("select count(*) from staging.stg_raw__customers")[0][0]
    )
    assert (
        facts["as_of_date"]
        == result.query("select max(cast(ordered_at as date)) from staging.stg_raw__orders")[0][0]
    )


def test_bad_vars_fail_at_run_start_with_one_line(dbt_build):
    result = dbt_build(
        FIXTURES / "minimal",
        vars_="{as_of_date: '31/12/2024', quarantine_warn_share: 0.5, quarantine_error_share: 0.2}",
    )
    assert result.returncode != 0
    lines = [line for line in result.output.splitlines() if "Invalid vars:" in line]
    assert len(lines) == 1, result.output
    assert "as_of_date must be a real calendar date as YYYY-MM-DD, got '31/12/2024'" in lines[0]
    assert "quarantine_warn_share must not exceed quarantine_error_share" in lines[0]


def test_churn_vars_are_checked_at_run_start(dbt_build):
    result = dbt_build(FIXTURES / "minimal", vars_="{churn_after_days: 20}")
    assert result.returncode != 0
    assert "churn_after_days must be a whole number of days >= 31, got '20'" in result.output
    result = dbt_build(FIXTURES / "minimal", vars_="{churn_after_days: 60, at_risk_after_days: 60}")
    assert result.returncode != 0
    assert (
        "at_risk_after_days must be a whole number of days >= 1 and below churn_after_days (60)"
        in result.output
    )


def test_a_data_set_without_referrals_still_fills_the_customer_months(minimal_build):
    """Regression: an ASOF LEFT JOIN on an empty right side returns no rows in DuckDB
    1.4, which emptied the spine when nobody had recommended anyone."""
    result = minimal_build
    assert result.returncode == 0, result.output
    assert (
        result.query("select count(*) from intermediate.int_customer_recommendations_unioned")[0][0]
        == 0
    )
    # A bought on 2024-01-05 and 2024-02-05 (as-of date): two months, Jan and Feb
    assert result.query(
        "select customer_id, month_start_date::varchar, loyalty_stage_at_month_end "
        "from marts.fct_customer_months order by all"
    ) == [("A", "2024-01-01", "first_time"), ("A", "2024-02-01", "repeat")]
