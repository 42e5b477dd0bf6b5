"""`loyalty bench --target spark`: the same data built on three engines, one after the
other: DuckDB, Spark in this process (the `spark` target) and the local Spark cluster
over Spark Connect (`spark_connect`, started for the run under WORKDIR and stopped
after); on each a full build, then the one-day incremental build. Both Spark builds
are then compared with DuckDB's (`loyalty compare-engines`, a month at a time for the
big tables). One run each: a Spark build of a million customers takes minutes, and
the figures are read side by side.

Peak memory is sampled from /proc every 0.2 s, per process tree: the build's own
(for the in-process session, Spark's JVM and Python workers are in it) and, on the
cluster, the Connect server (the driver), each Worker with its executor and Python
workers, and the Master. A tree's sum counts pages its forked Python workers share
once per worker: an upper bound.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from dataclasses import asdict
from pathlib import Path

from loyalty_warehouse.bench import spark_events
from loyalty_warehouse.bench.measure import (
    ROOT,
    Step,
    build_results,
    machine,
    not_passed,
    slowest,
    tree_rss_mb,
)  # fmt: skip
from loyalty_warehouse.bench.workspace import DBT_BUILD, LOYALTY, Workspace

ENGINES = ("duckdb", "spark", "spark_connect")
LABELS = {"duckdb": "DuckDB", "spark": "Spark in-process", "spark_connect": "Spark cluster"}


def _build_command(engine: str) -> list[str]:
    return DBT_BUILD if engine == "duckdb" else [LOYALTY, "build", "--target", engine]


def _run_sampled(cmd: list[str], env: dict, log: Path, others: dict[str, int]
                 ) -> tuple[float, dict[str, float]]:  # fmt: skip
    """Run a command; its seconds and the peak resident MB of its process tree and of
    each other named process tree (the cluster's), sampled every 0.2 s."""
    peaks = {"build process": 0.0, **dict.fromkeys(others, 0.0)}
    started = time.perf_counter()
    with log.open("a") as fh:
        proc = subprocess.Popen(cmd, env=env, stdout=fh, stderr=fh, cwd=ROOT)
        while proc.poll() is None:
            peaks["build process"] = max(peaks["build process"], tree_rss_mb(proc.pid))
            for name, pid in others.items():
                peaks[name] = max(peaks[name], tree_rss_mb(pid))
            time.sleep(0.2)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed (exit {proc.returncode}); see {log}")
    return time.perf_counter() - started, peaks


def run_spark(customers: int, workdir: Path, progress=print, one_day: bool = True,
              engines=ENGINES) -> dict:  # fmt: skip
    from loyalty_warehouse.spark.cluster import Cluster

    space = Workspace(workdir)
    spark_dir, cluster_dir = workdir / "spark", workdir / "spark-cluster"
    space.env["LOYALTY_SPARK_DIR"] = str(spark_dir)
    space.env.setdefault("LOYALTY_SPARK_DRIVER_MEMORY", "12g")
    cluster = Cluster(
        cluster_dir,
        worker_memory=space.env.get("LOYALTY_SPARK_WORKER_MEMORY", "6g"),
        driver_memory=space.env.get("LOYALTY_SPARK_CLUSTER_DRIVER_MEMORY", "4g"),
    )
    progress(f"generating {customers:,} customers")
    steps: dict[str, Step] = {"generate": space.generate(customers)}
    space.split_days("appended")

    slowest_nodes, memory, compared, events, table_bytes = {}, {}, {}, {}, {}
    try:
        for engine in engines:
            others: dict[str, int] = {}
            if engine == "spark":
                shutil.rmtree(spark_dir, ignore_errors=True)
            elif engine == "spark_connect":
                cluster.stop()
                shutil.rmtree(cluster_dir, ignore_errors=True)
                cluster.start(progress=progress)
                others = {f"cluster {name}": pid for name, pid in cluster.running().items()}
            else:
                space.db.unlink(missing_ok=True)
            days = [("full", "full build", space.day_n), ("one_day", "one-day build", space.day_n1)]
            for kind, label, raw in days if one_day else days[:1]:
                name = f"{engine}_{kind}_build"
                progress(f"{label}, {LABELS[engine]}")
                env = {**space.env, "LOYALTY_RAW_DIR": str(raw)}
                since = time.time() * 1000
                seconds, peaks = _run_sampled(_build_command(engine), env, space.log, others)
                if engine == "spark_connect":
                    events[name] = spark_events.summary(cluster_dir / "events", since,
                                                        time.time() * 1000)  # fmt: skip
                results = build_results(space.target)
                steps[name] = Step(f"{label}, {LABELS[engine]}", [seconds],
                                   max(peaks.values()), not_passed(results))  # fmt: skip
                memory[name] = peaks
                slowest_nodes[name] = slowest(results)
            if engine == "spark_connect":
                table_bytes = _table_bytes(cluster_dir / "warehouse")
            if engine != "duckdb":
                progress(f"comparing {LABELS[engine]} with DuckDB")
                compared[engine] = _compare(space, engine)
    finally:
        cluster.stop()

    last = "one_day" if one_day else "full"
    for engine, (_, text) in compared.items():
        steps[f"{engine}_{last}_build"].note = "; ".join(filter(None, [
            text, steps[f"{engine}_{last}_build"].note]))  # fmt: skip
    full = {e: steps[f"{e}_full_build"].median for e in engines}
    ratios = {f"{LABELS[e]} full / DuckDB full": full[e] / full["duckdb"]
              for e in engines if e != "duckdb" and "duckdb" in full}  # fmt: skip
    if one_day:
        ratios |= {f"{LABELS[e]} one-day / full": steps[f"{e}_one_day_build"].median / full[e]
                   for e in engines}  # fmt: skip
    result = {
        "customers": customers,
        "repeat": 1,
        "machine": machine(),
        "steps": {k: {**asdict(v), "median": v.median} for k, v in steps.items()},
        "peak_mb_by_process": memory,
        "comparison": {e: text for e, (_, text) in compared.items()},
        "cluster_events": events,
        "cluster_table_bytes": table_bytes,
        "slowest_nodes": slowest_nodes,
        "ratios": ratios,
    }
    (workdir / "bench_spark.json").write_text(json.dumps(result, indent=2) + "\n")
    return result


def _table_bytes(warehouse: Path) -> dict[str, int]:
    """Bytes on disk of each table the cluster wrote (its parquet files), largest first."""
    sizes = {
        f"{schema.name.removesuffix('.db')}.{table.name}": sum(
            f.stat().st_size for f in table.rglob("*") if f.is_file()
        )
        for schema in warehouse.glob("*.db")
        for table in schema.iterdir()
        if table.is_dir()
    }
    return dict(sorted(sizes.items(), key=lambda kv: -kv[1]))


def _compare(space: Workspace, engine: str) -> tuple[bool, str]:
    """`loyalty compare-engines` of a Spark target against the DuckDB warehouse."""
    started = time.perf_counter()
    done = subprocess.run([LOYALTY, "compare-engines", "--db", str(space.db), "--target", engine],
                          env=space.env, capture_output=True, text=True, cwd=ROOT)  # fmt: skip
    lines = done.stdout.strip().splitlines()
    different = [line for line in lines if not line.endswith(", equal")]
    seconds = time.perf_counter() - started
    if done.returncode == 0 and not different:
        chunked = sum("chunks by month" in line for line in lines)
        return True, (f"marts and quarantine equal to DuckDB's ({len(lines)} tables, "
                      f"{chunked} a month at a time; compared in {seconds:.0f} s)")  # fmt: skip
    return False, "differs from DuckDB: " + " | ".join(different or [done.stderr[-500:]])
