"""Daily builds: N days built in full, then one more day built incrementally, give
the same marts, row for row, as a full build of the N + 1 days, whether the next
day's rows are appended to the export or sit among the old ones (an export sorted
by customer id), at a month's end or mid-month, with late rows."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from conftest import MODELS_AND_SEEDS, run_dbt
from loyalty_warehouse import generate as g
from loyalty_warehouse.compare import compare_marts
from loyalty_warehouse.generate import daily

pytestmark = pytest.mark.dbt

LOOKBACK_DAYS = 3  # the default of var incremental_lookback_days
# fct_orders is a view over int_orders_sequenced
INCREMENTAL_MODELS = (
    "int_orders_sequenced",
    "int_survey_responses_categorised",
    "int_customer_months_accumulated",
)
# the full builds the daily ones are compared with, and the first builds before a
# daily one, build their tables only: the data tests run in the daily builds


def last_build_sql(db_path, model: str, kind: str) -> str:
    """The SQL of a model's last build (target/ beside the warehouse): kind "compiled"
    for its select, "run" for what the materialization ran with it."""
    target = db_path.parent / "target"
    manifest = json.loads((target / "manifest.json").read_text())
    (node,) = [n for n in manifest["nodes"].values() if n["name"] == model]
    return (target / kind / node["package_name"] / node["original_file_path"]).read_text()


@pytest.mark.parametrize(
    ("day", "order"),
    [
        pytest.param(date(2025, 11, 30), "appended", id="appended-next-day-starts-a-month"),
        pytest.param(date(2025, 11, 30), "by_customer", id="interspersed-next-day-starts-a-month"),
        pytest.param(date(2025, 12, 14), "by_customer", id="interspersed-mid-month"),
    ],
)
def test_one_more_day_incrementally_equals_a_full_build(tmp_path, day, order):
    g.write_raw(g.GeneratorConfig(customers=2_000, seed=23), tmp_path / "raw")
    counts = daily.split_days(
        tmp_path / "raw", day, tmp_path / "day_n", tmp_path / "day_n1", order=order
    )
    # the next day really brings new and late orders
    assert counts["orders"][1] > counts["orders"][0]

    daily_db = tmp_path / "daily" / "warehouse.duckdb"
    first = run_dbt(tmp_path / "day_n", daily_db, *MODELS_AND_SEEDS)
    assert first.returncode == 0, first.output
    incremental = run_dbt(tmp_path / "day_n1", daily_db)
    assert incremental.returncode == 0, incremental.output
    full = run_dbt(tmp_path / "day_n1", tmp_path / "whole" / "warehouse.duckdb", *MODELS_AND_SEEDS)
    assert full.returncode == 0, full.output

    # the second build was incremental: each incremental model replaced the months
    # from the month of the previous as-of date (the day) minus the lookback, and the
    # orders and customer months from the month of an order refunded on the new day,
    # if earlier (its revenue changed: docs/daily-builds.md)
    window_month = (day - timedelta(days=LOOKBACK_DAYS)).replace(day=1)
    refunded = _months_of_orders_refunded_on_the_new_day(tmp_path)
    for model in INCREMENTAL_MODELS:
        month = window_month if model == "int_survey_responses_categorised" \
            else min([window_month, *refunded])  # fmt: skip
        assert f"date '{month}'" in last_build_sql(daily_db, model, "compiled"), model
        assert "delete from" in last_build_sql(daily_db, model, "run"), model

    differences = compare_marts(daily_db, full.db_path)
    assert len(differences) >= 19
    assert {mart: diff for mart, (_, diff) in differences.items() if diff} == {}
    # and the comparison compared something
    assert differences["fct_orders"][0] == counts["orders"][1]
    assert differences["fct_customer_months"][0] > 0


def test_as_of_date_moved_back_stops_the_build_until_a_full_refresh(tmp_path):
    """The months after an earlier as-of date cannot be taken out by replacing
    months: the daily build stops in one line, and the full refresh it asks for
    gives the marts of a full build."""
    g.write_raw(g.GeneratorConfig(customers=1_500, seed=29), tmp_path / "raw")
    earlier = '{"as_of_date": "2025-10-20"}'
    daily_db = tmp_path / "daily" / "warehouse.duckdb"
    assert run_dbt(tmp_path / "raw", daily_db, *MODELS_AND_SEEDS).returncode == 0

    stopped = run_dbt(tmp_path / "raw", daily_db, vars_=earlier)
    assert stopped.returncode != 0
    lines = [line for line in stopped.output.splitlines() if "the as-of date moved back" in line]
    assert len(lines) >= 1 and "dbt build --full-refresh" in lines[0], stopped.output

    refreshed = run_dbt(
        tmp_path / "raw", daily_db, "--full-refresh", *MODELS_AND_SEEDS, vars_=earlier
    )
    assert refreshed.returncode == 0, refreshed.output
    full = run_dbt(
        tmp_path / "raw", tmp_path / "whole" / "warehouse.duckdb", *MODELS_AND_SEEDS, vars_=earlier
    )
    assert full.returncode == 0, full.output
    assert refreshed.query("select max(ordered_date) from marts.fct_orders") == [
        (date(2025, 10, 21),)
    ]
    differences = compare_marts(daily_db, full.db_path)
    assert {mart: diff for mart, (_, diff) in differences.items() if diff} == {}


def test_changed_churn_rules_rebuild_every_customer_month(tmp_path):
    """A daily build with another churn_after_days rebuilds every month of
    fct_customer_months (its kept months were computed with the old rule) and says
    so; the marts equal a full build with the new rule."""
    g.write_raw(g.GeneratorConfig(customers=1_500, seed=31), tmp_path / "raw")
    daily_db = tmp_path / "daily" / "warehouse.duckdb"
    assert run_dbt(tmp_path / "raw", daily_db, *MODELS_AND_SEEDS).returncode == 0
    changed = '{"churn_after_days": 120}'
    rebuilt = run_dbt(tmp_path / "raw", daily_db, vars_=changed)
    assert rebuilt.returncode == 0, rebuilt.output
    assert (
        "int_customer_months_accumulated: rebuilding every month, as its rules changed "
        "(churn_after_days 180 -> 120)" in rebuilt.output
    )
    full = run_dbt(
        tmp_path / "raw", tmp_path / "whole" / "warehouse.duckdb", *MODELS_AND_SEEDS, vars_=changed
    )
    assert full.returncode == 0, full.output
    differences = compare_marts(daily_db, full.db_path)
    assert {mart: diff for mart, (_, diff) in differences.items() if diff} == {}
    # the rule changed something
    assert rebuilt.query(
        "select distinct churn_after_days, at_risk_after_days from marts.fct_customer_months"
    ) == [(120, 90)]


def test_rows_updated_in_place_in_an_earlier_month_are_picked_up(tmp_path):
    """Tables (and re-exports) change rows in place: a completed order refunded
    months later, a pending one completed, a survey score corrected. The one-day
    build re-derives from the earliest changed month, before its usual window, and
    equals a full build of the changed data."""
    day = date(2025, 12, 14)
    g.write_raw(g.GeneratorConfig(customers=1_500, seed=37), tmp_path / "raw")
    daily.split_days(tmp_path / "raw", day, tmp_path / "day_n", tmp_path / "day_n1")
    daily_db = tmp_path / "daily" / "warehouse.duckdb"
    first = run_dbt(tmp_path / "day_n", daily_db, *MODELS_AND_SEEDS)
    assert first.returncode == 0, first.output

    # change the next day's export in place: the first completed order of March 2024
    # refunded, the first not completed one of June 2024 completed, an answer of May 2024
    # rescored
    orders = tmp_path / "day_n1" / "orders.parquet"
    responses = tmp_path / "day_n1" / "survey_responses.parquet"
    with duckdb.connect() as con:

        def first_id(path, key, where, timestamp, month):
            return con.execute(
                f"select {key} from read_parquet('{path}') where {where}"
                f" and strftime({timestamp}, '%Y-%m') = '{month}' order by {key} limit 1"
            ).fetchone()[0]

        refunded = first_id(orders, "order_id", "status = 'completed'", "ordered_at", "2024-03")
        completed = first_id(orders, "order_id", "status != 'completed'", "ordered_at", "2024-06")
        rescored = first_id(responses, "response_id", "score = 10", "responded_at", "2024-05")
        changes = [
            (orders, f"""replace (case order_id when '{refunded}' then 'refunded'
                         when '{completed}' then 'completed' else status end as status)"""),
            (responses, f"""replace (case when response_id = '{rescored}' then 3
                            else score end as score)"""),
        ]  # fmt: skip
        for path, replace in changes:
            replaced = f"select * {replace} from read_parquet('{path}')"
            con.execute(f"copy ({replaced}) to '{path}.new' (format parquet)")
            Path(f"{path}.new").replace(path)

    incremental = run_dbt(tmp_path / "day_n1", daily_db)
    assert incremental.returncode == 0, incremental.output
    assert "int_orders_sequenced: re-deriving from 2024-03-01" in incremental.output, \
        incremental.output  # fmt: skip
    assert "int_customer_months_accumulated: re-deriving from 2024-03-01" in incremental.output
    assert "int_survey_responses_categorised: re-deriving from 2024-05-01" in incremental.output
    assert incremental.query(
        "select order_id, status from marts.fct_orders"
        f" where order_id in ('{refunded}', '{completed}') order by status"
    ) == [(completed, "completed"), (refunded, "refunded")]

    full = run_dbt(tmp_path / "day_n1", tmp_path / "whole" / "warehouse.duckdb", *MODELS_AND_SEEDS)
    assert full.returncode == 0, full.output
    differences = compare_marts(daily_db, full.db_path)
    assert {mart: diff for mart, (_, diff) in differences.items() if diff} == {}


def _months_of_orders_refunded_on_the_new_day(tmp_path: Path) -> list[date]:
    """The months of the orders that the next day's export refunds (not yet refunded
    in the day's export)."""
    import pyarrow.parquet as pq

    before = set(pq.read_table(tmp_path / "day_n" / "refunds.parquet")["refund_id"].to_pylist())
    refunds = pq.read_table(tmp_path / "day_n1" / "refunds.parquet").to_pylist()
    refunded = {r["order_id"] for r in refunds if r["refund_id"] not in before}
    orders = pq.read_table(tmp_path / "day_n1" / "orders.parquet").to_pylist()
    return [o["ordered_at"].date().replace(day=1) for o in orders if o["order_id"] in refunded]
