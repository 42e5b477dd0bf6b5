"""The DuckDB bench of one size: the full build, the one-day build after it (checked
against a full build of both days), then the publish and the CLV models against
lifetimes (clv_peers.py); and every size of BENCHMARKS.md's table in one session."""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict
from pathlib import Path

from loyalty_warehouse import daily
from loyalty_warehouse.bench import clv_peers, publish, tables
from loyalty_warehouse.bench.compare import compare_marts
from loyalty_warehouse.bench.measure import Step, build_results, machine, not_passed, slowest
from loyalty_warehouse.bench.workspace import DBT_BUILD, Workspace

# Above this many customers a size runs one export order and no comparison build:
# the comparison is a third full build, and the smaller sizes already show equality.
CHECKED_UP_TO = 1_000_000


def run(
    customers: int,
    repeat: int,
    workdir: Path,
    progress=print,
    orders: tuple[str, ...] = daily.ORDERS,
    check: bool = True,
) -> dict:
    """One size: generate, then per export order in ``orders`` the full build and
    the one-day build (checked against a full build of both days when ``check``), the
    CLV models against lifetimes doing the same work, and the fits alone."""
    space = Workspace(workdir)
    raw = workdir / "raw"  # one folder whose files are replaced, as a daily export is
    progress(f"generating {customers:,} customers")
    steps: dict[str, Step] = {"generate": space.generate(customers)}
    slowest_nodes: dict[str, list] = {}
    differing: dict[str, dict] = {}

    def build(name: str, label: str, export: Path, before=None) -> list[dict]:
        shutil.rmtree(raw, ignore_errors=True)
        shutil.copytree(export, raw)
        step = steps[name] = Step(label)
        for i in range(repeat):
            progress(f"{label}, {i + 1}/{repeat}")
            before()
            seconds, peak = space.run(DBT_BUILD, raw)
            step.seconds.append(seconds)
            step.peak_mb = max(step.peak_mb, peak)
        results = build_results(space.target)
        slowest_nodes[name] = slowest(results)
        step.note = not_passed(results)
        return results

    def from_scratch() -> None:
        space.db.unlink(missing_ok=True)
        shutil.rmtree(space.target, ignore_errors=True)

    after_day_n = workdir / "after_day_n.duckdb"
    for order in orders:
        space.split_days(order)
        build(f"full_build_{order}", f"full dbt build ({order})", space.day_n, from_scratch)
        if order == orders[0]:
            publish.bench(space, repeat, steps, progress)
        # the one-day build, each repeat from the same state after day N
        shutil.copyfile(space.db, after_day_n)
        name = f"incremental_build_{order}"
        build(name, f"one-day build ({order})", space.day_n1,
              lambda: shutil.copyfile(after_day_n, space.db))  # fmt: skip
        after_day_n.unlink()
        if not check:
            steps[name].note = "; ".join(filter(None, ["not compared", steps[name].note]))
            continue
        progress(f"full dbt build of the same two days ({order}), to compare every mart")
        check_db = workdir / "check_warehouse.duckdb"
        check_db.unlink(missing_ok=True)
        space.run(DBT_BUILD + ["--target-path", str(workdir / "check_target")], raw,
                  LOYALTY_DB_PATH=str(check_db))  # fmt: skip
        differing[order] = {m: d for m, (_, d) in compare_marts(space.db, check_db).items() if d}
        steps[name].note = "; ".join(filter(None, [
            "marts identical to a full build" if not differing[order]
            else f"marts differ from a full build: {differing[order]}",
            steps[name].note,
        ]))  # fmt: skip
        check_db.unlink()

    reference = clv_peers.bench(space, repeat, steps, progress)
    result = {
        "customers": customers,
        "repeat": repeat,
        "machine": machine(),
        "steps": {k: {**asdict(v), "median": v.median} for k, v in steps.items()},
        "slowest_nodes": slowest_nodes,
        "marts_differing_after_incremental": differing,
        "lifetimes_reference": reference,
    }
    clv = steps["clv_models"].median
    result["ratios"] = {
        "lifetimes_clv / clv_models": steps["lifetimes_clv"].median / clv if clv else None,
        "lifetimes_fit / bg_nbd_fit": steps["lifetimes"].median / steps["bg_nbd_fit"].median,
    }
    for order in orders:
        full = steps[f"full_build_{order}"].median
        incremental = steps[f"incremental_build_{order}"].median
        result["ratios"][f"one-day / full build ({order})"] = incremental / full
    (workdir / "bench.json").write_text(json.dumps(result, indent=2) + "\n")
    return result


def run_sizes(sizes: list[int], repeat: int, workdir: Path, progress=print) -> dict:
    """`loyalty bench --sizes`: every size in one session, one row of the table each
    (results in WORKDIR/bench_sizes.json, each size's details in WORKDIR/<size>/)."""
    rows = {}
    for customers in sizes:
        progress(f"=== {customers:,} customers")
        big = customers > CHECKED_UP_TO
        result = run(customers, repeat, workdir / str(customers), progress,
                     orders=("appended",) if big else daily.ORDERS, check=not big)  # fmt: skip
        rows[customers] = tables.size_row(result)
    out = {"machine": machine(), "repeat": repeat, "sizes": rows}
    (workdir / "bench_sizes.json").write_text(json.dumps(out, indent=2) + "\n")
    return out
