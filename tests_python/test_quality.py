"""Data quality and reliability: GX validation, the manifest's promises, reproducible
builds, personal data, and the build's behaviour on bad input."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import duckdb
import pytest

from conftest import ROOT, run_dbt
from loyalty_warehouse import generate as g
from loyalty_warehouse.compare import compare_marts
from loyalty_warehouse.validate import validate

pytestmark = pytest.mark.dbt
LOYALTY = str(ROOT / ".venv" / "bin" / "loyalty") if (ROOT / ".venv").exists() else "loyalty"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("quality")
    g.write_raw(g.GeneratorConfig(customers=3_000, seed=31), tmp / "raw")
    first = run_dbt(tmp / "raw", tmp / "first" / "warehouse.duckdb")
    assert first.returncode == 0, first.output
    return tmp, first


def _marts(db_path):
    with duckdb.connect(str(db_path), read_only=True) as con:
        return [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'marts' order by 1"
            ).fetchall()
        ]


# ------------------------------------------------------------------ validation


def test_validate_passes_on_a_fresh_build(demo, tmp_path):
    _, build = demo
    failures, total = validate(build.db_path, tmp_path / "gx")
    assert failures == []
    assert total > 80
    assert (tmp_path / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html").exists()


def test_validate_names_a_bad_nps_and_a_bad_retention_rate(demo, tmp_path):
    _, build = demo
    broken = tmp_path / "broken.duckdb"
    shutil.copy(build.db_path, broken)
    with duckdb.connect(str(broken)) as con:
        con.execute(
            "update marts.fct_nps_monthly set nps = 150 "
            "where month_start_date = (select max(month_start_date) from marts.fct_nps_monthly)"
        )
        con.execute(
            "update marts.fct_retention_monthly set retention_rate = 1.7 "
            "where month_start_date = (select max(month_start_date) "
            "from marts.fct_retention_monthly)"
        )
    proc = subprocess.run(
        [LOYALTY, "validate", "--db", str(broken), "--docs", str(tmp_path / "gx")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert any(
        line.startswith("FAIL marts.fct_nps_monthly.nps: expect_column_values_to_be_between")
        and "[150.0]" in line
        for line in lines
    ), proc.stdout
    assert any(
        line.startswith("FAIL marts.fct_retention_monthly.retention_rate:") and "[1.7]" in line
        for line in lines
    ), proc.stdout


# ------------------------------------------------------------------ the manifest


def test_every_mart_is_documented_keyed_and_contracted(demo):
    tmp, _ = demo
    manifest = json.loads((tmp / "first" / "target" / "manifest.json").read_text())
    nodes = manifest["nodes"]
    marts = [n for n in nodes.values()
             if n["resource_type"] == "model" and n["schema"] == "marts"]  # fmt: skip
    assert len(marts) >= 18
    tests = [n for n in nodes.values() if n["resource_type"] == "test"]
    problems = []
    for mart in marts:
        name = mart["name"]
        if not mart["description"].strip():
            problems.append(f"{name}: no description")
        with duckdb.connect(str(demo[1].db_path), read_only=True) as con:
            actual = [r[0] for r in con.execute(f"describe marts.{name}").fetchall()]
        documented = {c for c, v in mart["columns"].items() if v["description"].strip()}
        for column in actual:
            if column not in documented and column.lower() not in documented:
                problems.append(f"{name}.{column}: not documented")
        key_tests = [
            t for t in tests
            if mart["unique_id"] in t["depends_on"]["nodes"]
            and t.get("test_metadata", {}).get("name") in ("unique", "unique_combination")
            and t.get("attached_node") == mart["unique_id"]
        ]  # fmt: skip
        if not key_tests:
            problems.append(f"{name}: no primary-key (unique) test")
        if mart["language"] == "sql" and not mart["config"]["contract"]["enforced"]:
            problems.append(f"{name}: SQL mart without an enforced contract")
    assert problems == []


# ------------------------------------------------------------------ reproducibility


def test_the_same_data_and_vars_give_identical_marts(demo):
    tmp, first = demo
    second = run_dbt(tmp / "raw", tmp / "second" / "warehouse.duckdb")
    assert second.returncode == 0, second.output
    marts = _marts(first.db_path)
    assert marts == _marts(second.db_path)
    # every row of every mart; build_info on what was built, not when
    differences = compare_marts(first.db_path, second.db_path)
    assert sorted(differences) == sorted(marts)
    for mart, (rows, diff) in differences.items():
        assert diff == 0, f"{mart}: {diff} of {rows} rows differ between builds"


# ------------------------------------------------------------------ personal data

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def test_no_mart_holds_an_email_address(demo):
    _, build = demo
    with duckdb.connect(str(build.db_path), read_only=True) as con:
        assert con.execute("select count(email) from staging.stg_raw__customers").fetchone()[0]
        text_columns = con.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_schema = 'marts' and data_type = 'VARCHAR'"
        ).fetchall()
        assert len(text_columns) > 20
        for table, column in text_columns:
            found = con.execute(
                f'select "{column}" from marts.{table} '
                f"where regexp_matches(\"{column}\", '{EMAIL.pattern}') limit 1"
            ).fetchall()
            assert not found, f"marts.{table}.{column} holds an email address: {found}"
        # without a key there is no hash at all (a plain sha256 is matched by anyone
        # with a list of addresses), and the build says how to set one
        assert (
            con.execute("select count(email_sha256), count(*) from marts.dim_customers").fetchone()[
                0
            ]
            == 0
        )
    assert (
        "dim_customers.email_sha256 is null: set the environment variable "
        "LOYALTY_EMAIL_HASH_KEY" in build.output
    )


# ------------------------------------------------------------------ fault tests


@pytest.mark.parametrize("rate", [0.01, 0.08])
def test_generated_dirty_data(dbt_build, tmp_path, rate):
    cfg = g.GeneratorConfig(customers=2_000, seed=41, dirty_rate=rate, file_format="csv")
    injected = len(g.write_raw(cfg, tmp_path / "raw").manifest)
    result = dbt_build(tmp_path / "raw")
    caught = result.query("select count(*) from quarantine.quarantined_rows")[0][0]
    assert caught == injected
    if rate == 0.01:
        # every model builds; the volume tests warn (about 12% of orders are bad)
        assert result.returncode == 0, result.output
        assert "WARN 1 source_quarantine_share_below_raw_orders_warn" in result.output
    else:
        # 8% per reason (the most --dirty takes) puts most orders in quarantine: above
        # the 25% error share
        assert result.returncode == 1
        assert "FAIL 1 source_quarantine_share_below_raw_orders_error" in result.output
        assert "ERROR creating" not in result.output  # the models themselves built


def _raw(tmp_path, orders: str, customers: str | None = None):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "customers.csv").write_text(
        customers or "customer_id,signed_up_at\nA,2024-01-01\nB,2024-01-02\n"
    )
    (raw / "orders.csv").write_text(orders)
    return raw


def test_empty_orders_build_empty_marts(dbt_build, tmp_path):
    raw = _raw(tmp_path, "order_id,customer_id,ordered_at,status,revenue\n")
    result = dbt_build(raw)
    assert result.returncode == 0, result.output
    assert result.query("select count(*) from marts.dim_customers") == [(2,)]
    for mart in ("fct_orders", "fct_retention_monthly", "fct_cohort_retention",
                 "clv_customer_predictions"):  # fmt: skip
        assert result.query(f"select count(*) from marts.{mart}") == [(0,)], mart
    # as of the latest sign-up (2024-01-02): two new prospects in January
    assert result.query(
        "select from_stage, to_stage, customers from marts.fct_loyalty_transitions"
    ) == [("none", "prospect", 2)]


def test_unicode_long_text_huge_and_zero_amounts(dbt_build, tmp_path):
    long_comment = "très long 🚀 " * 20_000
    raw = _raw(
        tmp_path,
        "order_id,customer_id,ordered_at,status,revenue,cost\n"
        "1,Åsa-Ünïcøde-客户,2024-01-05,completed,0,0\n"
        "2,Åsa-Ünïcøde-客户,2024-01-06,completed,99999999999999.9999,1\n"
        "3,B,2024-01-07,completed,99999999999999999999,1\n"
        "4,B,2024-01-08,completed,9999999999999999.99,1\n",
        "customer_id,signed_up_at,country_code\nÅsa-Ünïcøde-客户,2024-01-01,SE\nB,2024-01-02,GB\n",
    )
    (raw / "survey_responses.csv").write_text(
        f"response_id,customer_id,survey_type,score,responded_at,comment\n"
        f'r1,Åsa-Ünïcøde-客户,nps,10,2024-01-05,"{long_comment}"\n'
    )
    result = dbt_build(raw, vars_="{quarantine_error_share: 1.0}")  # 2 bad rows of 4
    assert result.returncode == 0, result.output
    # the largest amount read with its four decimals, rounded to cents in the marts
    assert result.query(
        "select cast(revenue as varchar) from marts.fct_orders order by order_id"
    ) == [("0.00",), ("100000000000000.00",)]
    # 10^20, and 10^16 with two decimals, do not fit decimal(18, 4): quarantined, not
    # rounded, not crashed
    assert result.query(
        "select record_id, reason from quarantine.quarantined_rows order by record_id"
    ) == [("3", "invalid_amount"), ("4", "invalid_amount")]
    # free text stays in the working warehouse, out of the marts BI reads
    comment = result.query(
        "select comment from intermediate.int_survey_responses_categorised "
        "where response_id is not null"
    )[0][0]
    assert comment == long_comment.strip()  # staging trims text, nothing else
    assert result.query("select comment from marts.fct_survey_responses") == [(None,)]


def test_a_second_build_while_the_file_is_locked_says_so(tmp_path):
    """`loyalty build` (what `make build` runs) checks the lock first. Plain `dbt build`
    shows dbt-duckdb's traceback here: its error handler reopens the locked file."""
    raw = _raw(tmp_path, "order_id,customer_id,ordered_at,status,revenue\n")
    db = tmp_path / "warehouse.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         f"import duckdb, time; c = duckdb.connect({str(db)!r}); print('locked', flush=True); "
         "time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "locked"
        proc = subprocess.run(
            [LOYALTY, "build", "--no-validate"],
            env={**os.environ, "LOYALTY_RAW_DIR": str(raw), "LOYALTY_DB_PATH": str(db),
                 "DBT_PROFILES_DIR": str(ROOT)},
            capture_output=True, text=True, cwd=ROOT,
        )  # fmt: skip
    finally:
        holder.kill()
        holder.wait()
    output = (proc.stdout + proc.stderr).replace("\n", " ")
    assert proc.returncode == 1
    assert f"{db} is in use by another process (PID {holder.pid})" in output
    assert "Traceback" not in output


def test_every_model_and_seed_has_a_key_test(demo):
    tmp, _ = demo
    nodes = json.loads((tmp / "first" / "target" / "manifest.json").read_text())["nodes"]
    key_tests = {"unique", "unique_combination", "exactly_one_row"}
    keyed = {
        t["attached_node"]
        for t in nodes.values()
        if t["resource_type"] == "test" and t.get("test_metadata", {}).get("name") in key_tests
    }
    # a model whose rows another model shows, keyed (a view over a table, or the
    # table a view shows), names it in meta.key_tested_on: one scan, not two
    keyed_names = {nodes[k]["name"] for k in keyed if k in nodes}
    missing = [
        n["name"]
        for n in nodes.values()
        if n["resource_type"] in ("model", "seed")
        and n["unique_id"] not in keyed
        and n["config"].get("meta", {}).get("key_tested_on") not in keyed_names
    ]
    assert missing == []
