"""Messy real exports: malformed rows, missing-value tokens, padded timestamps,
dangling referrers, unreadable files, negative margins and no orders at all.

Each case is a hand-made folder in fixtures/ whose outcome is worked out by hand in
its README.md (and, for messy/, in expected_quarantine.csv).
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, run_dbt

pytestmark = pytest.mark.dbt

MESSY = FIXTURES / "messy"
AS_OF = "{as_of_date: '2024-06-30', quarantine_error_share: 1.0}"


def _rows_in(path: Path) -> int:
    """Data rows of a CSV file, as a CSV reader counts them (quoted line breaks
    included, header excluded)."""
    with path.open(newline="", encoding="utf-8") as fh:
        return sum(1 for _ in csv.reader(fh)) - 1


@pytest.fixture(scope="module")
def messy(tmp_path_factory):
    result = run_dbt(MESSY, tmp_path_factory.mktemp("messy") / "warehouse.duckdb", vars_=AS_OF)
    assert result.returncode == 0, result.output
    return result


def test_malformed_rows_are_quarantined_with_their_line_and_text(messy):
    with (MESSY / "expected_quarantine.csv").open(newline="") as fh:
        expected = {
            (r["source_table"], int(r["source_row_number"]), int(r["source_line_number"]),
             r["reason"], r["raw_text"])
            for r in csv.DictReader(fh)
        }  # fmt: skip
    got = {
        (table, row, line, reason, json.loads(record)["row_text"])
        for table, row, line, reason, record in messy.query(
            "select source_table, source_row_number, source_line_number, reason, raw_record "
            "from quarantine.quarantined_rows"
        )
    }
    assert got == expected
    # a malformed row is never parsed: no id is read from it
    assert messy.query(
        "select count(*) from quarantine.quarantined_rows where record_id is not null"
    ) == [(0,)]


def test_nothing_is_lost_or_shifted(messy):
    staged = {
        "customers": "stg_raw__customers",
        "orders": "stg_raw__orders",
        "survey_responses": "stg_raw__survey_responses",
        "referral_offers": "stg_raw__referral_offers",
    }
    for table, model in staged.items():
        rows_in = _rows_in(MESSY / f"{table}.csv")
        n_staged = messy.query(f"select count(*) from staging.{model}")[0][0]
        n_quarantined = messy.query(
            f"select count(*) from quarantine.quarantined_rows where source_table = '{table}'"
        )[0][0]
        assert rows_in == n_staged + n_quarantined, table
    # no order was staged from a shifted row: 1.00 and 234.50 appear nowhere
    amounts = messy.query("select revenue, cost from staging.stg_raw__orders")
    assert all(1 not in (r, c) and 234.5 not in (r, c) for r, c in amounts)
    assert sorted(i for (i,) in messy.query("select order_id from staging.stg_raw__orders")) == [
        "O2", "O3", "O5", "O6",
    ]  # fmt: skip


def test_missing_value_tokens_read_as_missing(messy):
    customers = {
        row[0]: row[1:]
        for row in messy.query(
            "select customer_id, referred_by_customer_id, email, country_code, "
            "acquisition_channel from staging.stg_raw__customers"
        )
    }
    assert customers["C1"][0] is None  # referrer NULL
    assert customers["C3"][1:] == (None, None, None)  # \N, null, NULL
    costs = dict(messy.query("select order_id, cost from staging.stg_raw__orders"))
    assert costs["O2"] is None and costs["O5"] is None and costs["O6"] is None
    answers = {
        r[0]: r[1:]
        for r in messy.query(
            "select response_id, customer_id, is_anonymous, comment "
            "from staging.stg_raw__survey_responses"
        )
    }
    assert answers["R2"] == (None, True, None)
    assert answers["R4"][2] is None
    assert answers["R1"][2] == "Great\nservice"  # a quoted line break is data
    offers = dict(messy.query("select offer_id, is_shared from staging.stg_raw__referral_offers"))
    assert offers == {"F1": False, "F2": True}


def test_timestamps_are_trimmed_before_parsing(messy):
    signed_up = dict(
        messy.query("select customer_id, signed_up_at from staging.stg_raw__customers")
    )
    assert signed_up["C4"] == datetime(2024, 3, 5, 12, 30)  # 14:30+02:00, a space after it
    ordered = dict(messy.query("select order_id, ordered_at from staging.stg_raw__orders"))
    assert ordered["O3"] == datetime(2024, 3, 5, 12, 30)


def test_a_referrer_naming_no_customer_counts_as_nobodys_referral(messy):
    assert messy.query(
        "select referred_by_customer_id, is_referred from marts.dim_customers "
        "where customer_id = 'C3'"
    ) == [("C999", False)]
    assert "WARN 1 referrer_is_a_staged_customer" in messy.output
    # January: C1, C2 and C3 sign up; only C2 (referred by C1) is a referral
    assert messy.query(
        "select signups, referred_signups from marts.fct_referrals_monthly "
        "where month_start_date = date '2024-01-01'"
    ) == [(3, 1)]
    assert messy.query(
        "select customer_id, referred_customers from marts.dim_customers "
        "where referred_customers > 0"
    ) == [("C1", 1)]


def test_a_malformed_row_past_the_first_20000_lines(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "customers.csv").write_text("customer_id,signed_up_at\nC1,2024-01-01\n")
    lines = ["order_id,customer_id,ordered_at,status,revenue,cost"]
    for i in range(1, 25_001):
        revenue = "1,234.50," if i == 20_500 else "10.00,4.00"  # the shifting kind
        lines.append(f"O{i},C1,2024-01-{1 + i % 28:02d},completed,{revenue}")
    (raw / "orders.csv").write_text("\n".join(lines) + "\n")
    result = run_dbt(raw, tmp_path / "warehouse.duckdb", vars_="{as_of_date: '2024-01-31'}")
    assert result.returncode == 0, result.output
    assert result.query(
        "select source_row_number, source_line_number, reason from quarantine.quarantined_rows"
    ) == [(20_500, 20_501, "malformed_row")]
    assert result.query("select count(*), sum(revenue) from staging.stg_raw__orders") == [
        (24_999, 249_990)
    ]


def _one_line_error(output: str) -> str:
    lines = [line for line in output.splitlines() if "Raw data:" in line]
    assert len(lines) == 1, output
    for noise in ("Traceback", "Possible fixes", "Original Line", "^", "SKIP"):
        assert noise not in output, output
    return lines[0]


@pytest.mark.parametrize(
    ("folder", "message"),
    [
        ("not_utf8", "orders.csv line 4: not UTF-8"),
        ("semicolons", "orders.csv line 1: the header is one column, "
                       "'order_id;customer_id;ordered_at;status;revenue;cost': "
                       "the file looks semicolon-separated"),
        ("broken_quote", "orders.csv line 4: a broken quote"),
        # the row before spans lines 3 and 4 with two fields too many
        ("not_utf8_after_a_wide_row", "orders.csv line 5: not UTF-8"),
    ],
)  # fmt: skip
def test_a_file_that_cannot_be_read_stops_the_build_in_one_line(tmp_path, folder, message):
    result = run_dbt(FIXTURES / "unreadable" / folder, tmp_path / "warehouse.duckdb")
    assert result.returncode != 0
    line = _one_line_error(result.output)
    assert message in line, line
    # stopped before any model ran
    assert "START sql" not in result.output


def test_costs_above_revenue_are_valid_data(tmp_path):
    result = run_dbt(
        FIXTURES / "negative_margin", tmp_path / "warehouse.duckdb",
        vars_="{as_of_date: '2025-06-30'}",
    )  # fmt: skip
    assert result.returncode == 0, result.output
    [(margin_rate, formula_ltv, lifespan)] = result.query(
        "select margin_rate, formula_ltv, expected_lifespan_years from marts.fct_ltv_by_segment "
        "where segment_type = 'all'"
    )
    assert margin_rate == pytest.approx(-35 / 80)
    assert lifespan > 0 and formula_ltv < 0
    # every segment of the three customers: all, channel, country, cohort year
    assert "WARN 4 non_negative_fct_ltv_by_segment_formula_ltv" in result.output
    assert result.query(
        "select historical_margin from marts.dim_customers where customer_id = 'A'"
    ) == [(-10,)]


def test_no_orders_at_all_builds_every_mart(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    result = run_dbt(FIXTURES / "no_orders", db)
    assert result.returncode == 0, result.output
    lines = [line for line in result.output.splitlines() if "As-of date" in line]
    assert len(lines) == 1 and lines[0].endswith(
        "As-of date 2024-03-10 (latest raw timestamp (no dated orders))"
    ), lines
    assert result.query("select as_of_date from staging.base_raw__as_of_date") == [
        (date(2024, 3, 10),)
    ]
    marts = {
        path.stem
        for path in (ROOT / "models" / "marts").rglob("*")
        if path.suffix in (".sql", ".py")
    }
    built = {name for (name,) in result.query(
        "select table_name from information_schema.tables where table_schema = 'marts'"
    )}  # fmt: skip
    assert marts <= built
    assert result.query(
        "select customer_id, status, loyalty_stage from marts.dim_customers order by 1"
    ) == [("A", "prospect", "prospect"), ("B", "prospect", "prospect")]
    assert result.query("select count(*) from marts.fct_orders") == [(0,)]
    # no purchasers, no segment: not even the "all" one
    assert result.query("select count(*) from marts.fct_ltv_by_segment") == [(0,)]
    validate = subprocess.run(
        [str(Path(sys.executable).with_name("loyalty")), "validate", "--db", str(db),
         "--docs", str(tmp_path / "gx")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert validate.returncode == 0, validate.stdout + validate.stderr


def test_an_unnamed_header_column_is_an_extra_column(tmp_path):
    """Excel ends every line of a sheet with an empty last column with a comma: the
    header's unnamed column is one more column to ignore, named by its position in
    raw_record, and every row has as many fields as the header."""
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURES / "minimal", raw)
    lines = (raw / "customers.csv").read_text().splitlines()
    (raw / "customers.csv").write_text("".join(f"{line},\r\n" for line in lines))
    built = run_dbt(raw, tmp_path / "warehouse.duckdb", "--select", "+stg_raw__customers",
                    "--exclude", "resource_type:test")  # fmt: skip
    assert built.returncode == 0, built.output
    assert built.query("select customer_id from staging.stg_raw__customers order by 1") == [
        ("A",),
        ("B",),
        ("C",),
    ]
    assert built.query("select raw_record from raw.customers where customer_id = 'B'") == [
        ('{"customer_id":"B","signed_up_at":"2024-01-02","column_3":""}',)
    ]
    assert built.query("select count(*) from raw.customers where is_malformed_row") == [(0,)]
