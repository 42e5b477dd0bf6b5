"""`loyalty bench --target spark`: the same data built once in full on DuckDB and
once on Spark (the in-process session of the `spark` target), then the one-day
incremental build on Spark; the Spark marts compared with DuckDB's. One run each: a
Spark build of a million customers takes minutes, and the figures are read side by
side. A build's peak memory is its process tree's, sampled from /proc (Spark's JVM
included)."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import asdict
from pathlib import Path

from loyalty_warehouse.bench.measure import (
    ROOT,
    Step,
    build_results,
    machine,
    not_passed,
    run_sampled,
    slowest,
)  # fmt: skip
from loyalty_warehouse.bench.workspace import DBT_BUILD, LOYALTY, Workspace

SPARK_BUILD = [LOYALTY, "build", "--target", "spark"]


def run_spark(customers: int, workdir: Path, progress=print, one_day: bool = True) -> dict:
    space = Workspace(workdir)
    spark_dir = workdir / "spark"
    space.env["LOYALTY_SPARK_DIR"] = str(spark_dir)
    space.env.setdefault("LOYALTY_SPARK_DRIVER_MEMORY", "12g")
    progress(f"generating {customers:,} customers")
    steps: dict[str, Step] = {"generate": space.generate(customers)}
    space.split_days("appended")

    slowest_nodes = {}
    builds = [
        ("duckdb_full_build", "full build, DuckDB", space.day_n, DBT_BUILD),
        ("spark_full_build", "full build, Spark", space.day_n, SPARK_BUILD),
        ("spark_incremental_build", "one-day build, Spark", space.day_n1, SPARK_BUILD),
    ]
    for name, label, raw, cmd in builds if one_day else builds[:2]:
        progress(label)
        if name == "duckdb_full_build":
            space.db.unlink(missing_ok=True)
        if name == "spark_full_build":
            shutil.rmtree(spark_dir, ignore_errors=True)
        seconds, peak = run_sampled(cmd, {**space.env, "LOYALTY_RAW_DIR": str(raw)}, space.log)
        results = build_results(space.target)
        steps[name] = Step(label, [seconds], peak, not_passed(results))
        slowest_nodes[name] = slowest(results)

    last = "spark_incremental_build" if one_day else "spark_full_build"
    if one_day:
        progress("a DuckDB build of the next day, to compare with Spark's one-day build")
        space.db.unlink(missing_ok=True)
        space.run(DBT_BUILD, space.day_n1)
    else:
        progress("comparing Spark's full build with DuckDB's")
    compared = subprocess.run([LOYALTY, "compare-engines", "--db", str(space.db)],
                              env=space.env, capture_output=True, text=True, cwd=ROOT)  # fmt: skip
    different = [line for line in compared.stdout.splitlines() if not line.endswith(", equal")]
    steps[last].note = "; ".join(filter(None, [
        "marts and quarantine equal to DuckDB's" if compared.returncode == 0 and not different
        else "differs from DuckDB: " + " | ".join(different or [compared.stderr[-500:]]),
        steps[last].note,
    ]))  # fmt: skip
    full = {k: steps[k].median for k in ("duckdb_full_build", "spark_full_build")}
    result = {
        "customers": customers,
        "repeat": 1,
        "machine": machine(),
        "steps": {k: {**asdict(v), "median": v.median} for k, v in steps.items()},
        "slowest_nodes": slowest_nodes,
        "ratios": {
            "Spark full / DuckDB full": full["spark_full_build"] / full["duckdb_full_build"],
        },
    }
    if one_day:
        result["ratios"]["Spark one-day / Spark full"] = (
            steps["spark_incremental_build"].median / full["spark_full_build"]
        )
    (workdir / "bench_spark.json").write_text(json.dumps(result, indent=2) + "\n")
    return result
