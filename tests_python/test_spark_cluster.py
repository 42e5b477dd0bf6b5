"""The project on a Spark cluster of separate JVMs, driven over Spark Connect.

`loyalty spark-cluster start` starts a standalone Master, two Workers and a Spark
Connect server on 127.0.0.1 (free ports, a folder of the test's own); a dirty CSV
export with every quarantine reason is built over Connect in full, with every data
and unit test and the CLV models running in the executors (whose Python has the
libraries but not the project: the build sends it as an artifact), then the next
day's export incrementally, an export that lost a month of rows and had a row fixed
months back (test_incremental_lost_rows.py has the same on DuckDB); after each,
every `marts` and `quarantine` table equals a DuckDB build of the same raw data.
`loyalty spark-cluster stop` ends every process it started, also when the test fails.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
from pathlib import Path

import pytest
from test_spark import LOYALTY, assert_engines_equal, spark_available, spark_build  # noqa: F401

from conftest import DBT, MODELS_AND_SEEDS, ROOT, run_dbt
from loyalty_warehouse import generate as g
from loyalty_warehouse.publish.pg_server import free_port

pytestmark = pytest.mark.spark


def _export_before(source: Path, day: str, out: Path) -> int:
    """The CSV export as it stood the day before `day`: every line naming that day left
    out (one record per line in these files, malformed ones included); lines left out."""
    out.mkdir()
    left_out = 0
    for path in source.glob("*.csv"):
        header, *lines = path.read_text().splitlines(keepends=True)
        kept = [line for line in lines if day not in line]
        left_out += len(lines) - len(kept)
        (out / path.name).write_text(header + "".join(kept))
    return left_out


def _csv_rows(path: Path) -> list[dict]:
    with path.open(newline="") as file:
        return [row for row in csv.DictReader(file) if None not in row]  # malformed left out


def _append(path: Path, *lines: str) -> None:
    text = path.read_text()
    path.write_text(text + ("" if text.endswith("\n") else "\n") + "\n".join(lines) + "\n")


def _next_export_gone_wrong_and_fixed(day_n: Path, day_n1: Path, end: str) -> None:
    """Day N's export gets an offer shared before it was shown (quarantined); the next
    export lost every order and answer of March 2024 (a re-export with a wrong
    filter), has that offer fixed, and a customer who never bought shares an offer
    and buys for the first time on the new day."""
    dirty = {row["record_id"] for row in _csv_rows(day_n1 / "dirty_manifest.csv")}
    customers = [r for r in _csv_rows(day_n1 / "customers.csv")
                 if r["customer_id"] not in dirty and r["customer_id"][1:].isdigit()]  # fmt: skip
    orders = _csv_rows(day_n1 / "orders.csv")
    buyers = {r["customer_id"] for r in orders if r["status"] == "completed"}
    buyer = min(r["customer_id"] for r in customers if r["customer_id"] in buyers)
    bought = {r["customer_id"] for r in orders}
    prospect = min(
        r["customer_id"]
        for r in customers
        if r["customer_id"] not in bought and r["signed_up_at"] < "2025-06-01"
    )
    offer = f'"F-fixed-later","{buyer}","2024-05-10 10:00:00"'
    _append(day_n / "referral_offers.csv", offer + ',"2024-05-09 10:00:00"')
    for name in ("orders.csv", "survey_responses.csv"):
        header, *lines = (day_n1 / name).read_text().splitlines(keepends=True)
        (day_n1 / name).write_text(header + "".join(x for x in lines if ',"2024-03-' not in x))
    _append(day_n1 / "referral_offers.csv", offer + ',"2024-05-11 10:00:00"',
            f'"F-prospect","{prospect}","2025-10-01 10:00:00","2025-10-02 10:00:00"')  # fmt: skip
    # every field of the orders' header (the last two, cost and currency, empty)
    _append(day_n1 / "orders.csv",
            f'"O-first","{prospect}","{end} 12:00:00","completed","20.00",,')  # fmt: skip


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, spark_available):  # noqa: F811
    folder = tmp_path_factory.mktemp("cluster")
    connect_port = free_port()
    env = {
        **os.environ,
        "LOYALTY_SPARK_DIR": str(folder),
        "LOYALTY_SPARK_MASTER_PORT": str(free_port()),
        "LOYALTY_SPARK_CONNECT_PORT": str(connect_port),
        "LOYALTY_SPARK_WORKER_MEMORY": "2g",
        "LOYALTY_SPARK_DRIVER_MEMORY": "2g",
    }

    def cli(action: str) -> subprocess.CompletedProcess:
        return subprocess.run([LOYALTY, "spark-cluster", action], env=env, cwd=ROOT,
                              capture_output=True, text=True, check=False)  # fmt: skip

    try:
        started = cli("start")
        assert started.returncode == 0, started.stdout + started.stderr
        assert f"sc://127.0.0.1:{connect_port}" in started.stdout
        again = cli("start")
        assert "running already" in again.stderr, again.stderr
        pids = [int(p.read_text()) for p in (folder / "run").glob("*.pid")]
        assert len(pids) == 4  # master, two workers, the Connect server
        yield {"LOYALTY_SPARK_REMOTE": f"sc://127.0.0.1:{connect_port}"}, folder
    finally:
        stopped = cli("stop")
    assert stopped.returncode == 0, stopped.stderr
    assert "connect, worker-2, worker-1, master" in stopped.stderr
    assert not [
        p
        for p in pids
        if Path(f"/proc/{p}").exists()
        and "Z" not in Path(f"/proc/{p}/stat").read_text().split(")")[1][:3]
    ]
    assert cli("status").returncode == 3


def test_a_dirty_export_over_spark_connect_full_then_one_day_equals_duckdb(tmp_path, cluster):
    env, folder = cluster
    # the executors' Python cannot import the project: the CLV code arrives as an artifact
    executor = folder / "executor-python" / "bin" / "python"
    imported = subprocess.run(
        [str(executor), "-c", "import loyalty_warehouse"],
        capture_output=True, text=True, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert "No module named 'loyalty_warehouse'" in imported.stderr, imported.stderr
    assert subprocess.run([str(executor), "-c", "import scipy, pyarrow"], check=False
                          ).returncode == 0  # fmt: skip

    generated = tmp_path / "generated"
    g.write_raw(g.GeneratorConfig(customers=1_000, seed=7, dirty_rate=0.02, file_format="csv"),
                generated)  # fmt: skip
    end = json.loads((generated / "truth.json").read_text())["end_date"]
    day_n, day_n1 = tmp_path / "day_n", generated
    assert _export_before(generated, end, day_n) > 20  # orders, surveys, referrals of that day
    _next_export_gone_wrong_and_fixed(day_n, day_n1, end)
    client = tmp_path / "client"

    # a plain dbt build has not registered the CLV functions: one line says what to run
    plain = subprocess.run(
        [DBT, "build", "--target", "spark_connect", "--select", "clv_model_params",
         "--profiles-dir", str(ROOT), "--project-dir", str(ROOT)],
        env={**os.environ, **env, "LOYALTY_RAW_DIR": str(day_n),
             "DBT_TARGET_PATH": str(tmp_path / "plain"), "DBT_LOG_PATH": str(tmp_path / "plain")},
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert plain.returncode == 1, plain.stdout[-3000:] + plain.stderr[-3000:]
    assert (
        "is not registered in this Spark session: build on Spark with "
        "`loyalty build --target spark_connect`"
    ) in plain.stdout, plain.stdout[-3000:]

    # the demo shop's day (New York), its timestamps read as New York wall times: every
    # local date, month and daylight-saving change the same on both engines
    shop_day = "{reporting_timezone: America/New_York, raw_timezone: America/New_York}"
    for day, args in ((day_n, ()), (day_n1, MODELS_AND_SEEDS)):
        built = spark_build(day, client, "build", "--target", "spark_connect", *args,
                            "--vars", shop_day, env=env)  # fmt: skip
        assert built.returncode == 0, f"{day}\n{built.stdout[-6000:]}{built.stderr[-3000:]}"
        assert "ERROR=0" in built.stdout and "SKIP=0" in built.stdout, built.stdout[-3000:]
        duck = run_dbt(day, tmp_path / day.name / "warehouse.duckdb", *MODELS_AND_SEEDS,
                       vars_=shop_day)  # fmt: skip
        assert duck.returncode == 0, duck.output
        lines = assert_engines_equal(day, client, duck.db_path, day.name, "spark_connect", env)
        (orders,) = [line for line in lines if line.startswith("marts.fct_orders:")]
        assert f"{duck.query('select count(*) from marts.fct_orders')[0][0]:,} rows" in orders
        reasons = duck.query("select count(distinct reason) from quarantine.quarantined_rows")
        assert reasons[0][0] >= 10
    # the second build was incremental: it overwrote the months its markers brought in
    # (from the month whose rows vanished), as delete+insert does on DuckDB
    assert "int_orders_sequenced: re-deriving from 2024-03-01" in built.stdout
    assert "int_customer_months_accumulated: re-deriving from 2024-03-01" in built.stdout
    compiled = next((client / "dbt_target" / "run").rglob("int_customer_months_accumulated.sql"))
    assert "insert overwrite" in compiled.read_text().lower()
