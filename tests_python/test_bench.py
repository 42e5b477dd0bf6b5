"""The benchmark's own bookkeeping (the timed runs are `make bench`, not tests)."""

from __future__ import annotations

from loyalty_warehouse.bench import not_passed


def test_not_passed_names_every_node_that_warned_failed_or_errored():
    results = [
        {"unique_id": "model.loyalty_warehouse.fct_orders", "status": "success"},
        {"unique_id": "test.loyalty_warehouse.unique_fct_orders_order_id.1a", "status": "pass"},
        # an exposure is listed, never run
        {"unique_id": "exposure.loyalty_warehouse.dashboard_overview", "status": "no-op"},
        {"unique_id": "test.loyalty_warehouse.clv_models_converged", "status": "warn"},
        {"unique_id": "model.loyalty_warehouse.clv_model_params", "status": "error"},
        {"unique_id": "test.loyalty_warehouse.between_nps", "status": "fail"},
    ]
    assert not_passed(results) == (
        "ERROR clv_model_params; FAIL between_nps; WARN clv_models_converged"
    )
    assert not_passed(results[:3]) == ""


def test_sampled_peak_memory_counts_the_grandchildren(tmp_path):
    """A Spark session's JVM is a grandchild of the build's process: the sampled peak
    includes it (200 MB held by a grandchild for a second)."""
    import os
    import sys

    from loyalty_warehouse.bench.measure import run_sampled

    hold = "x = bytearray(200 * 1024 * 1024); import time; time.sleep(1.5)"
    parent = f"import subprocess, sys; subprocess.call([sys.executable, '-c', {hold!r}])"
    seconds, peak_mb = run_sampled([sys.executable, "-c", parent], dict(os.environ),
                                    tmp_path / "log")  # fmt: skip
    assert seconds >= 1.5
    assert 200 <= peak_mb < 400


def test_two_builds_compare_on_every_row_column_and_type_but_when_they_ran(tmp_path):
    import duckdb

    from loyalty_warehouse.compare import compare_tables

    def build(path, amount, built_at, kind="decimal(18, 2)", extra=""):
        with duckdb.connect(str(path)) as con:
            con.execute("create schema marts; create schema quarantine")
            con.execute(f"create table marts.fct_orders (order_id text, revenue {kind})")
            con.execute(
                f"insert into marts.fct_orders values ('o1', 10), ('o1', 10), ('o2', {amount})"
            )
            con.execute("create table marts.build_info (as_of_date date, built_at timestamp)")
            con.execute(f"insert into marts.build_info values ('2024-01-31', '{built_at}')")
            con.execute(f"create table quarantine.quarantined_rows (reason text{extra})")

    build(tmp_path / "a.duckdb", 5, "2026-01-01 00:00:00")
    build(tmp_path / "same.duckdb", 5, "2026-06-01 12:00:00")  # built later, same rows
    build(tmp_path / "other.duckdb", 6, "2026-01-01 00:00:00")
    build(tmp_path / "typed.duckdb", 5, "2026-01-01 00:00:00", kind="double", extra=", x int")

    same = compare_tables(tmp_path / "a.duckdb", tmp_path / "same.duckdb")
    assert same == {
        "marts.build_info": (1, 0, ""),
        "marts.fct_orders": (3, 0, ""),
        "quarantine.quarantined_rows": (0, 0, ""),
    }
    other = compare_tables(tmp_path / "a.duckdb", tmp_path / "other.duckdb")
    assert other["marts.fct_orders"] == (3, 2, "")  # o2 at 5 on one side, at 6 on the other
    typed = compare_tables(tmp_path / "a.duckdb", tmp_path / "typed.duckdb")
    assert typed["marts.fct_orders"][2].startswith("columns differ")
    assert typed["quarantine.quarantined_rows"][2].startswith("columns differ")
    assert typed["marts.build_info"] == (1, 0, "")


def test_spark_event_log_totals_count_only_the_build_window(tmp_path):
    """The cluster's event log summed between two instants: a job, a stage and two
    tasks inside the window (their time, CPU and bytes added up), one task outside."""
    import json

    from loyalty_warehouse.bench import spark_events

    def task(launch, finish, written):
        return {"Event": "SparkListenerTaskEnd",
                "Task Info": {"Launch Time": launch, "Finish Time": finish},
                "Task Metrics": {"Executor CPU Time": 250_000_000,
                                 "Input Metrics": {"Bytes Read": 1_000},
                                 "Shuffle Write Metrics": {"Shuffle Bytes Written": written},
                                 "Shuffle Read Metrics": {"Remote Bytes Read": 5,
                                                          "Local Bytes Read": 7}}}  # fmt: skip

    events = [
        {"Event": "SparkListenerJobStart", "Submission Time": 1_000},
        {"Event": "SparkListenerStageCompleted", "Stage Info": {"Completion Time": 1_900}},
        task(1_000, 1_500, 300),
        task(1_200, 2_000, 200),
        task(9_000, 9_100, 10_000),  # another build's
    ]
    (tmp_path / "app-1").write_text("".join(json.dumps(e) + "\n" for e in events))
    totals = spark_events.summary(tmp_path, since_ms=500, until_ms=5_000)
    assert (totals["jobs"], totals["stages"], totals["tasks"]) == (1, 1, 2)
    assert totals["task_seconds"] == 0.5 + 0.8
    assert totals["executor_cpu_seconds"] == 0.5
    assert totals["input_bytes"] == 2_000
    assert totals["shuffle_write_bytes"] == 500
    assert totals["shuffle_read_bytes"] == 24


def test_same_parameters_is_the_largest_relative_difference_of_each_peer():
    from loyalty_warehouse.bench.tables import same_parameters

    ours = {"bg_nbd.r": 1.0, "bg_nbd.alpha": 2.0, "bg_nbd.a": 0.5, "bg_nbd.b": 4.0,
            "gamma_gamma.p": 5.0, "gamma_gamma.q": 4.0, "gamma_gamma.gamma": 30.0}  # fmt: skip
    lifetimes = {"bg_nbd": {"r": 1.0, "alpha": 2.0, "a": 0.5, "b": 4.0},
                 "gamma_gamma": {"p": 5.0, "q": 4.0, "v": 30.03}}  # fmt: skip
    pymc = {"bg_nbd": {"r": 0.99, "alpha": 2.0, "a": 0.5005, "b": 4.0},
            "gamma_gamma": {"p": 5.0, "q": 4.0, "v": 30.0}}  # fmt: skip
    found = same_parameters({"ours": ours, **lifetimes, "pymc_marketing": pymc})
    # lifetimes: only the Gamma-Gamma scale differs, 0.03 / 30; pymc: r by 0.01 / 1.0
    # (a's 0.0005 / 0.5 = 0.001 is smaller)
    assert abs(found["lifetimes"] - 0.001) < 1e-12
    assert abs(found["pymc_marketing"] - 0.01) < 1e-12


def test_the_variants_table_divides_this_checkouts_medians_by_theirs():
    from loyalty_warehouse.bench.tables import sizes_table

    row = {"generate_s": 1.0, "generate_peak_mb": 1024, "full_build_s": 100.0,
           "full_build_peak_mb": 2048, "one_day_build_s": 60.0, "one_day_vs_full": 0.6,
           "clv_models_s": 2.0, "lifetimes_clv_s": 20.0, "lifetimes_clv_vs_clv_models": 10.0,
           "lifetimes_fit_vs_bg_nbd_fit": 9.0, "pymc_clv_s": 5.0, "pymc_clv_vs_clv_models": 2.5,
           "same_parameters": {"lifetimes": 1e-7, "pymc_marketing": 5e-6},
           "variants": {"commit_abc": {
               "label": "commit abc", "full_build_s": 125.0, "one_day_build_s": 80.0,
               "full_build_peak_mb": 3072, "checked": "marts identical"}}}  # fmt: skip
    table = sizes_table({"sizes": {"1000": row}})
    line = next(line for line in table.splitlines() if "| commit abc |" in line)
    # 100 / 125 and 60 / 80
    assert line == ("| 1,000 | commit abc | 125.0 s | 80.0 s | 3.0 GB | 0.80 | 0.75 "
                    "| marts identical |")  # fmt: skip
    assert "| 2.5x | 9.0x | lifetimes 1e-07, pymc-marketing 5e-06 |" in table
    # above a million customers pymc-marketing is not run: its cells say so
    del row["pymc_clv_s"], row["same_parameters"]["pymc_marketing"]
    row["pymc_clv_vs_clv_models"] = None
    table = sizes_table({"sizes": {"10000000": row}})
    assert "| 10.0x | not run | - | 9.0x | lifetimes 1e-07 |" in table


def test_a_commit_is_built_on_the_duckdb_its_lock_pins(tmp_path, monkeypatch):
    """--against builds the code before a change as it ran then: on the DuckDB release
    of that commit's requirements.lock, in a venv of its own when it is not this one's;
    releases compare as numbers (1.10 after 1.9)."""
    from loyalty_warehouse.bench import variants

    assert variants._release("1.10.0") > variants._release("1.9.9")
    made = []

    def venv_of(version):
        made.append(version)
        return variants.Variant(f"DuckDB {version}", "x", bin=tmp_path / "bin", duckdb=version)

    monkeypatch.setattr(variants, "duckdb_variant", venv_of)
    with variants.commit_variant("HEAD", tmp_path) as head:
        pinned = (head.project / "requirements.lock").read_text()
        assert head.project.is_dir() and head.duckdb in pinned
    assert not head.project.exists()  # the worktree is gone after the run
    # HEAD's lock pins the DuckDB this environment runs: no venv of its own
    assert made == [] and head.bin == variants.BIN
