"""Values as they are written: a time zone after a time, amounts to four decimals,
dates long before the shop, repeated extra columns (fixtures/written_values), and the
vars checked before anything runs. Nothing is read otherwise than written: a value
is staged as written (converted to UTC, rounded to cents once in the marts) or
quarantined with its reason."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

import duckdb
import pytest

from conftest import FIXTURES, run_dbt

pytestmark = pytest.mark.dbt

VALUES = FIXTURES / "written_values"
# the fixture is mostly bad rows: its quarantine share is far above the default
AS_OF = "{as_of_date: '2024-12-31', quarantine_error_share: 1.0}"
# order id -> its ordered_at in UTC, as written (an IANA zone converted; a wall time
# the clock passes twice is its first occurrence, one it skips has the offset before)
STAGED_TIMES = {
    "O02": datetime(2024, 10, 27, 0, 30),  # 02:30 CEST, before Berlin's clock went back
    "O03": datetime(2024, 3, 31, 1, 30),  # 02:30 does not exist in Berlin that night
    "O04": datetime(2024, 6, 1, 14, 0),  # 10:00 EDT
    "O05": datetime(2024, 6, 1, 10, 0),
    "O07": datetime(2024, 6, 1, 8, 0),
    "O18": datetime(2024, 7, 8, 23, 30),  # 10:00 at +10:30 (Lord Howe Island's winter)
    "O19": datetime(2024, 4, 6, 14, 45),  # 01:45 at +11:00, before the half-hour turn back
}
QUARANTINED = {
    ("customers", "C3"): "implausible_timestamp",
    ("orders", "O01"): "invalid_timestamp",  # CET: an abbreviation, no single offset
    ("orders", "O06"): "invalid_timestamp",  # EST
    ("orders", "O08"): "invalid_timestamp",  # Foo/Bar: no such zone
    ("orders", "O10"): "invalid_amount",  # 1_000
    ("orders", "O11"): "negative_amount",  # -0.004
    ("orders", "O12"): "invalid_amount",  # a fifth decimal
    ("orders", "O13"): "invalid_amount",  # "1,000"
    ("orders", "O14"): "invalid_amount",  # 1e3
    ("orders", "O15"): "implausible_timestamp",  # 1900-01-01
    ("orders", "O16"): "negative_amount",
    ("survey_responses", "R2"): "invalid_score",  # 1_0
    ("survey_responses", "R3"): "implausible_timestamp",  # 1970-01-01
}


@pytest.fixture(scope="module")
def values_build(tmp_path_factory):
    return run_dbt(VALUES, tmp_path_factory.mktemp("values") / "warehouse.duckdb", vars_=AS_OF)


def test_every_value_is_staged_as_written_or_quarantined(values_build):
    assert values_build.returncode == 0, values_build.output
    quarantined = {
        (table, record): reason
        for table, record, reason in values_build.query(
            "select source_table, record_id, reason from quarantine.quarantined_rows"
        )
    }
    assert quarantined == QUARANTINED
    staged = dict(values_build.query("select order_id, ordered_at from staging.stg_raw__orders"))
    assert {k: v for k, v in staged.items() if k in STAGED_TIMES} == STAGED_TIMES
    assert values_build.query(
        "select signed_up_at from staging.stg_raw__customers where customer_id = 'C2'"
    ) == [(datetime(2024, 1, 2, 8, 0),)]  # 09:00 in Berlin's winter


def test_amounts_keep_four_decimals_and_are_rounded_to_cents_once(values_build):
    assert values_build.query(
        "select revenue, cost from staging.stg_raw__orders where order_id = 'O09'"
    ) == [(Decimal("12.0050"), Decimal("4.9951"))]
    # in the marts: each rounded half away from zero, the margin of the rounded amounts
    assert values_build.query(
        "select revenue, cost, margin from marts.fct_orders where order_id in ('O09', 'O17') "
        "order by order_id"
    ) == [
        (Decimal("12.01"), Decimal("5.00"), Decimal("7.01")),
        (Decimal("0.50"), None, None),
    ]


def test_a_repeated_extra_column_is_kept_by_its_position(values_build):
    (record,) = values_build.query(
        "select raw_record from quarantine.quarantined_rows where record_id = 'R2'"
    )[0]
    assert json.loads(record) == {
        "response_id": "R2", "customer_id": "C1", "survey_type": "nps", "score": "1_0",
        "responded_at": "2024-06-03 10:00:00", "comment": "", "note": "a", "column_8": "b",
    }  # fmt: skip


def _invalid_vars_line(result) -> str:
    assert result.returncode != 0
    lines = [line for line in result.output.splitlines() if "Invalid vars:" in line]
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    return lines[0]


@pytest.mark.parametrize(
    ("vars_", "expected"),
    [
        ("{as_of_date: '2025-02-30'}", "as_of_date must be a real calendar date"),
        ("{churn_after_days: 100.5}", "churn_after_days must be a whole number"),
        ("{loyalty_window_days: 365.5}", "loyalty_window_days must be a whole number >= 1"),
        ("{clv_calibration_end: '2024-02-06', as_of_date: '2024-02-05'}",
         "clv_calibration_end (2024-02-06) must not be after as_of_date (2024-02-05)"),
        # the default as-of date is the latest order's (2024-02-05)
        ("{clv_calibration_end: '2024-06-30'}",
         "clv_calibration_end (2024-06-30) must not be after the as-of date (2024-02-05, "
         "the latest order date)"),
        ("{as_of_date: '1999-01-01'}",
         "as_of_date (1999-01-01) is before the first raw event (2024-01-01)"),
        ("{as_of_date: '2030-01-01'}",
         "as_of_date (2030-01-01) is 2,157 days after the last raw event (2024-02-05), "
         "more than churn_after_days (180)"),
        ("{loyalty_raw_views_schema: 'raw\"; drop table main.canary; --'}",
         "loyalty_raw_views_schema must be a plain identifier"),
    ],
)  # fmt: skip
def test_vars_that_cannot_be_right_stop_the_build_in_one_line(tmp_path, vars_, expected):
    db = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create table main.canary as select 1 as alive")
    result = run_dbt(FIXTURES / "minimal", db, vars_=vars_)
    assert expected in _invalid_vars_line(result)
    # nothing a var holds reached the warehouse as SQL
    assert result.query("select alive from main.canary") == [(1,)]


def test_a_schema_var_that_is_not_a_name_is_refused_before_any_schema(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    result = run_dbt(FIXTURES / "minimal", db, vars_="{loyalty_marts_schema: 'marts; drop'}")
    assert "must be a plain identifier" in _invalid_vars_line(result)
    assert "got 'marts; drop'" in result.output
    assert not db.exists() or result.query(
        "select count(*) from information_schema.schemata where schema_name like 'marts%'"
    ) == [(0,)]


def with_a_long_comment(folder, megabytes: int = 50):
    """The fixture with one more answer whose quoted comment is `megabytes` MB long
    (a pasted document), written at test time."""
    import shutil

    shutil.copytree(VALUES, folder)
    with (folder / "survey_responses.csv").open("a") as fh:
        fh.write('R4,C1,ces,6,2024-06-04 10:00:00,"' + "x" * (megabytes * 1_000_000) + '",e,f\n')
    return folder


def test_a_quoted_value_longer_than_the_line_limit_is_named_and_read_with_the_var(tmp_path):
    raw = with_a_long_comment(tmp_path / "raw")
    refused = run_dbt(raw, tmp_path / "refused" / "warehouse.duckdb", vars_=AS_OF)
    assert refused.returncode != 0
    lines = [line for line in refused.output.splitlines() if "Raw data:" in line]
    assert len(lines) == 1 and "Traceback" not in refused.output, refused.output[-3000:]
    assert lines[0].endswith(
        "survey_responses.csv line 5: a row of 50.0 MB longer than the reader's limit of 2 MB: "
        "a quoted value that long, or a quote never closed; if the row is right, raise the "
        "limit with --vars '{raw_csv_max_line_mb: 52}'"
    ), lines[0]
    read = run_dbt(raw, tmp_path / "read" / "warehouse.duckdb",
                   vars_=AS_OF[:-1] + ", raw_csv_max_line_mb: 52}")  # fmt: skip
    assert read.returncode == 0, read.output[-3000:]
    assert read.query(
        "select length(comment) from staging.stg_raw__survey_responses where response_id = 'R4'"
    ) == [(50_000_000,)]
