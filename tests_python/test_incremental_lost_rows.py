"""Daily builds when rows vanish or change months back: a month lost from a
re-export, an export of orders without rows, a referral fixed upstream. A daily
build replaces whole months; dbt's strategies replace only the months its new rows
have, so a month whose every row vanished is emptied by a marker row (macro
with_month_markers), and a row fixed months back is found by its month's input
fingerprint. Each next export below is built incrementally on the same day-N
warehouse and compared with a full build of that export."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from conftest import MODELS_AND_SEEDS, run_dbt
from loyalty_warehouse import generate as g
from loyalty_warehouse.compare import compare_marts
from loyalty_warehouse.generate import daily

pytestmark = pytest.mark.dbt

DAY = date(2025, 12, 14)
BROKEN_OFFER = "F-fixed-later"
PROSPECT_OFFER = "F-prospect"


def _rewrite(path: Path, select: str) -> None:
    """Replace a parquet file by a select over it (`rows`)."""
    with duckdb.connect() as con:
        con.execute(f"create view rows as select * from read_parquet('{path}')")
        con.execute(f"copy ({select}) to '{path}.new' (format parquet)")
    Path(f"{path}.new").replace(path)


def _add_offer(folder: Path, offer_id: str, customer_id: str, offered: str, shared: str):
    _rewrite(
        folder / "referral_offers.parquet",
        f"select * from rows union all select '{offer_id}', '{customer_id}', "
        f"timestamp '{offered}', timestamp '{shared}'",
    )


def two_days(root: Path, customers: int, seed: int) -> str:
    """Day N's export (root/day_n) and the next day's (root/day_n1), both with an
    offer shared before it was shown (quarantined); the customer it belongs to."""
    g.write_raw(g.GeneratorConfig(customers=customers, seed=seed), root / "raw")
    daily.split_days(root / "raw", DAY, root / "day_n", root / "day_n1")
    with duckdb.connect() as con:
        customer = con.execute(
            f"select customer_id from read_parquet('{root / 'day_n' / 'orders.parquet'}') "
            "where status = 'completed' order by customer_id limit 1"
        ).fetchone()[0]
    for folder in ("day_n", "day_n1"):
        _add_offer(root / folder, BROKEN_OFFER, customer, "2024-05-10 10:00", "2024-05-09 10:00")
    return customer


def lose_march(export: Path) -> None:
    """Every order and answer of March 2024 gone from the export."""
    for table, column in (("orders", "ordered_at"), ("survey_responses", "responded_at")):
        _rewrite(export / f"{table}.parquet",
                 f"select * from rows where strftime({column}, '%Y-%m') <> '2024-03'")  # fmt: skip


def fix_the_offer_and_buy_after_recommending(export: Path) -> str:
    """The broken offer fixed (shared the day after it was shown, in May 2024), and a
    customer who never bought shares an offer in October 2025 and buys for the first
    time on the new day; returns that customer."""
    fixed = (
        f"case when offer_id = '{BROKEN_OFFER}' then timestamp '2024-05-11 10:00' "
        "else shared_at end"
    )
    offers = export / "referral_offers.parquet"
    _rewrite(offers, f"select * replace ({fixed} as shared_at) from rows")
    with duckdb.connect() as con:
        prospect = con.execute(
            f"select customer_id from read_parquet('{export / 'customers.parquet'}') "
            "where signed_up_at < '2025-06-01' and customer_id not in (select customer_id "
            f"from read_parquet('{export / 'orders.parquet'}')) order by 1 limit 1"
        ).fetchone()[0]
    _add_offer(export, PROSPECT_OFFER, prospect, "2025-10-01 10:00", "2025-10-02 10:00")
    _rewrite(export / "orders.parquet",
             f"select * from rows union all select 'O-first-{prospect}', '{prospect}', "
             f"timestamp '{DAY + timedelta(days=1)} 12:00', 'completed', 20.0, null,"
             " 'USD'")  # fmt: skip
    return prospect


@pytest.fixture(scope="module")
def day_n(tmp_path_factory):
    """Day N built in full, and the next day's export, from which each test makes its
    own."""
    root = tmp_path_factory.mktemp("vanishing")
    customer = two_days(root, customers=2_000, seed=43)
    built = run_dbt(root / "day_n", root / "day_n_build" / "warehouse.duckdb", *MODELS_AND_SEEDS)
    assert built.returncode == 0, built.output
    assert built.query(
        f"select reason from quarantine.quarantined_rows where record_id = '{BROKEN_OFFER}'"
    ) == [("shared_before_offered",)]
    return root, customer


def _daily_equals_full(root: Path, export: Path, name: str):
    """The next day's build on a copy of day N's warehouse, and a full build of the
    same export: every mart equal. Returns the daily build."""
    shutil.copytree(root / "day_n_build", root / name)
    incremental = run_dbt(export, root / name / "warehouse.duckdb")
    assert incremental.returncode == 0, incremental.output
    full = run_dbt(export, root / f"{name}_full" / "warehouse.duckdb", *MODELS_AND_SEEDS)
    assert full.returncode == 0, full.output
    differences = compare_marts(incremental.db_path, full.db_path)
    assert {mart: diff for mart, (_, diff) in differences.items() if diff} == {}
    return incremental


def test_a_month_lost_from_the_export_is_emptied(day_n):
    """A re-export with a wrong filter loses every order and answer of March 2024:
    the daily build empties that month, as a full build of the export has it."""
    root, _ = day_n
    export = root / "lost_month"
    shutil.copytree(root / "day_n1", export)
    lose_march(export)
    built = _daily_equals_full(root, export, "lost_month_build")
    for model in ("int_orders_sequenced", "int_survey_responses_categorised"):
        assert f"{model}: re-deriving from 2024-03-01" in built.output, built.output
    lines = [line for line in built.output.splitlines() if "int_orders_sequenced: re-" in line]
    assert lines and ", 0 in the input now)" in lines[0], lines
    assert built.query(
        "select count(*) from marts.fct_orders where month_start_date = '2024-03-01'"
    ) == [(0,)]


def test_an_export_of_orders_without_rows_empties_every_month(day_n):
    """A failed export writes orders.csv with its header only: the daily build's
    orders and customer months are as empty as a full build's (publishing refuses
    it: test_publish.py)."""
    root, _ = day_n
    export = root / "no_orders"
    shutil.copytree(root / "day_n1", export)
    (export / "orders.parquet").unlink()
    (export / "orders.csv").write_text("order_id,customer_id,ordered_at,status,revenue,cost\n")
    # the shop's refunds come from the same failed export (refunds of orders that are
    # not there would be quarantined as unknown_order, failing the build on its share)
    (export / "refunds.parquet").unlink()
    (export / "refunds.csv").write_text("refund_id,order_id,refunded_at,amount\n")
    built = _daily_equals_full(root, export, "no_orders_build")
    assert built.query("select count(*) from marts.fct_orders") == [(0,)]
    assert built.query("select count(*) from marts.fct_customer_months") == [(0,)]


def test_a_fixed_referral_and_a_first_purchase_after_a_recommendation(day_n):
    """The next export fixes the offer day N quarantined (shared the day after it was
    shown, in May 2024), and a customer who shared an offer in October 2025 without
    ever buying buys for the first time on the new day. The daily build re-derives
    from May 2024 (recommendations_in_window never goes below zero, as it did when
    kept months were compared by their purchases alone) and counts the October share
    in the new customer's window: it equals a full build."""
    root, customer = day_n
    export = root / "fixed_referral"
    shutil.copytree(root / "day_n1", export)
    prospect = fix_the_offer_and_buy_after_recommending(export)
    built = _daily_equals_full(root, export, "fixed_referral_build")
    assert "int_customer_months_accumulated: re-deriving from 2024-05-01" in built.output
    assert "PASS non_negative_fct_customer_months_recommendations_in_window" in built.output
    assert built.query(
        "select recommendations_in_window from marts.fct_customer_months "
        f"where customer_id = '{prospect}'"
    ) == [(1,)]
    assert (
        built.query(
            "select recommendations_in_window from marts.fct_customer_months "
            f"where customer_id = '{customer}' and month_start_date = '2024-05-01'"
        )[0][0]
        >= 1
    )
