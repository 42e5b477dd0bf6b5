"""Incremental builds: N days built in full, then one more day built incrementally,
give the same marts, row for row, as a full build of the N + 1 days."""

from __future__ import annotations

import json
from datetime import date, timedelta

import duckdb
import pytest

from conftest import ROOT, run_dbt
from loyalty_warehouse import daily
from loyalty_warehouse import generate as g
from loyalty_warehouse.bench import compare_marts

pytestmark = pytest.mark.dbt

LOOKBACK_DAYS = 3  # the default of var incremental_lookback_days


@pytest.mark.parametrize(
    "day",
    [
        pytest.param(date(2025, 11, 30), id="next-day-starts-a-month"),
        pytest.param(date(2025, 12, 14), id="mid-month"),
    ],
)
def test_one_more_day_incrementally_equals_a_full_build(tmp_path, day):
    g.write(g.generate(g.GeneratorConfig(customers=2_000, seed=23)), tmp_path / "raw")
    counts = daily.split_days(tmp_path / "raw", day, tmp_path / "day_n", tmp_path / "day_n1")
    # the next day really brings new and late orders
    assert counts["orders"][1] > counts["orders"][0]

    daily_db = tmp_path / "daily" / "warehouse.duckdb"
    first = run_dbt(tmp_path / "day_n", daily_db)
    assert first.returncode == 0, first.output
    incremental = run_dbt(tmp_path / "day_n1", daily_db)
    assert incremental.returncode == 0, incremental.output
    full = run_dbt(tmp_path / "day_n1", tmp_path / "whole" / "warehouse.duckdb")
    assert full.returncode == 0, full.output

    # the second build was incremental: every incremental model re-derived from the
    # previous as-of date (the day) minus the lookback, and the as-of date moved on
    windows = incremental.query(
        "select model_name, as_of_date, window_start_date "
        "from intermediate.incremental_builds order by 1"
    )
    assert len(windows) >= 10
    assert {(row[1], row[2]) for row in windows} == {
        (day + timedelta(days=1), day - timedelta(days=LOOKBACK_DAYS))
    }

    differences = compare_marts(daily_db, full.db_path)
    assert len(differences) >= 19
    assert {mart: diff for mart, (_, diff) in differences.items() if diff} == {}
    # and the comparison compared something
    assert differences["fct_orders"][0] == counts["orders"][1]
    assert differences["fct_customer_months"][0] > 0

    assert_key_test_checks_the_rebuilt_months(tmp_path / "day_n1", daily_db, day)


def assert_key_test_checks_the_rebuilt_months(raw_dir, db_path, day):
    """The daily build's key test of fct_customer_months read the months it
    re-derived (macros/tests/where_subquery.sql), and a duplicate there fails it."""
    test_name = "unique_combination_fct_customer_months_customer_id__month_start_date"
    manifest = json.loads((db_path.parent / "target" / "manifest.json").read_text())
    (compiled,) = [
        node["compiled_path"] for node in manifest["nodes"].values() if node["name"] == test_name
    ]
    window_start = day - timedelta(days=LOOKBACK_DAYS)
    assert f"date_trunc('month', date '{window_start}')" in (ROOT / compiled).read_text()

    with duckdb.connect(str(db_path)) as con:
        con.execute(
            "insert into marts.fct_customer_months "
            "select * from marts.fct_customer_months where month_start_date = ? limit 1",
            [window_start.replace(day=1)],
        )
    tested = run_dbt(raw_dir, db_path, "--select", test_name)
    assert tested.returncode != 0
    assert "FAIL 1" in tested.output, tested.output


def test_as_of_date_moved_back_rebuilds_from_there(tmp_path):
    """A build as of an earlier date (var as_of_date) after a daily build: the
    incremental models re-derive from that date, as a full build would."""
    g.write(g.generate(g.GeneratorConfig(customers=1_500, seed=29)), tmp_path / "raw")
    earlier = '{"as_of_date": "2025-10-20"}'
    daily_db = tmp_path / "daily" / "warehouse.duckdb"
    assert run_dbt(tmp_path / "raw", daily_db).returncode == 0
    incremental = run_dbt(tmp_path / "raw", daily_db, vars_=earlier)
    assert incremental.returncode == 0, incremental.output
    full = run_dbt(tmp_path / "raw", tmp_path / "whole" / "warehouse.duckdb", vars_=earlier)
    assert full.returncode == 0, full.output
    assert incremental.query("select max(ordered_date) from marts.fct_orders") == [
        (date(2025, 10, 21),)
    ]
    differences = compare_marts(daily_db, full.db_path)
    assert {mart: diff for mart, (_, diff) in differences.items() if diff} == {}
