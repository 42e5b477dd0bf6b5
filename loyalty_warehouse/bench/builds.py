"""The DuckDB bench of one size: the full build, the one-day build after it (checked
against a full build of both days), the same export without refunds and currencies,
then the publish and the CLV models against lifetimes (clv_peers.py); and every size
of BENCHMARKS.md's table in one session."""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict
from pathlib import Path

from loyalty_warehouse.bench import clv_peers, publish, tables
from loyalty_warehouse.bench.measure import Step, build_results, machine, not_passed, slowest
from loyalty_warehouse.bench.variants import THIS_CHECKOUT, Variant
from loyalty_warehouse.bench.workspace import DBT_BUILD, Workspace
from loyalty_warehouse.compare import compare_marts
from loyalty_warehouse.generate import daily

# Above this many customers a size runs one export order and no comparison build (the
# comparison is a third full build, and the smaller sizes already show equality), no
# pymc-marketing (its MAP fit holds every customer in a PyTensor graph) and no
# throwaway PostgreSQL server (loading ten million customers' marts, 255 million rows,
# its data folder passed 20 GB in two minutes): LOYALTY_BENCH_POSTGRES names one to
# publish into at any size.
CHECKED_UP_TO = 1_000_000


def run(
    customers: int,
    repeat: int,
    workdir: Path,
    progress=print,
    orders: tuple[str, ...] = daily.ORDERS,
    check: bool = True,
    variants: tuple[Variant, ...] = (),
) -> dict:
    """One size: generate, then per export order in ``orders`` the full build and
    the one-day build (checked against a full build of both days when ``check``), the
    CLV models against lifetimes and pymc-marketing doing the same work, and the fits
    alone. The ``variants`` (variants.py) build the first export order too, each
    repeat right after this checkout's, and their marts are compared with this
    checkout's after the one-day build."""
    workdir = workdir.resolve()  # a variant's dbt resolves relative paths in its project
    space = Workspace(workdir)
    raw = workdir / "raw"  # one folder whose files are replaced, as a daily export is
    progress(f"generating {customers:,} customers")
    steps: dict[str, Step] = {"generate": space.generate(customers)}
    slowest_nodes: dict[str, list] = {}
    differing: dict[str, dict] = {}

    def paths(variant: Variant) -> tuple[Path, Path]:
        """The warehouse and target folder of a variant (this checkout's: the space's)."""
        if variant is THIS_CHECKOUT:
            return space.db, space.target
        return workdir / f"{variant.key}.duckdb", workdir / f"{variant.key}_target"

    def build(name: str, label: str, export: Path, builders, before) -> None:
        shutil.rmtree(raw, ignore_errors=True)
        shutil.copytree(export, raw)
        for variant in builders:
            key = name if variant is THIS_CHECKOUT else f"{variant.key}_{name}"
            steps[key] = Step(label if variant is THIS_CHECKOUT else f"{label}, {variant.label}")
        for i in range(repeat):
            for variant in builders:
                key = name if variant is THIS_CHECKOUT else f"{variant.key}_{name}"
                progress(f"{steps[key].name}, {i + 1}/{repeat}")
                db, target = paths(variant)
                before(db, target)
                seconds, peak = space.run(variant.dbt_build(), raw, LOYALTY_DB_PATH=str(db),
                                          DBT_TARGET_PATH=str(target), **variant.env())  # fmt: skip
                steps[key].seconds.append(seconds)
                steps[key].peak_mb = max(steps[key].peak_mb, peak)
        for variant in builders:
            key = name if variant is THIS_CHECKOUT else f"{variant.key}_{name}"
            results = build_results(paths(variant)[1])
            slowest_nodes[key] = slowest(results)
            steps[key].note = not_passed(results)
        # the builds so far, should a later step fail (bench.json is written at the end)
        so_far = {k: {**asdict(v), "median": v.median} for k, v in steps.items()}
        (workdir / "steps_so_far.json").write_text(json.dumps(so_far, indent=2) + "\n")

    def from_scratch(db: Path, target: Path) -> None:
        db.unlink(missing_ok=True)
        shutil.rmtree(target, ignore_errors=True)

    def after_day_n(db: Path) -> Path:
        return db.with_name(db.stem + "_after_day_n.duckdb")

    for order in orders:
        space.split_days(order)
        builders = (THIS_CHECKOUT, *variants) if order == orders[0] else (THIS_CHECKOUT,)
        build(f"full_build_{order}", f"full dbt build ({order})", space.day_n, builders,
              from_scratch)  # fmt: skip
        if order == orders[0]:
            publish.bench(space, repeat, steps, progress,
                          throwaway_postgres=customers <= CHECKED_UP_TO)  # fmt: skip
        # the one-day build, each repeat from the same state after day N
        for variant in builders:
            shutil.copyfile(paths(variant)[0], after_day_n(paths(variant)[0]))
        name = f"incremental_build_{order}"
        build(name, f"one-day build ({order})", space.day_n1, builders,
              lambda db, target: shutil.copyfile(after_day_n(db), db))  # fmt: skip
        for variant in builders:
            after_day_n(paths(variant)[0]).unlink()
        for variant in builders[1:]:
            other = variant.compare_marts(space.db, paths(variant)[0])
            unequal = {m: d for m, (_, d) in other.items() if d}
            note = ("marts identical to this checkout's" if not unequal
                    else f"marts differ from this checkout's: {unequal}")  # fmt: skip
            steps[f"{variant.key}_{name}"].note = "; ".join(
                filter(None, [note, steps[f"{variant.key}_{name}"].note])
            )
            differing[variant.key] = unequal
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

    money_off(space, repeat, steps, progress)
    reference = clv_peers.bench(space, repeat, steps, progress,
                                pymc=customers <= CHECKED_UP_TO)  # fmt: skip
    result = {
        "customers": customers,
        "repeat": repeat,
        "machine": machine(),
        "steps": {k: {**asdict(v), "median": v.median} for k, v in steps.items()},
        "slowest_nodes": slowest_nodes,
        "marts_differing_after_incremental": differing,
        "variants": {v.key: v.label for v in variants},
        "lifetimes_reference": reference,
    }
    clv = steps["clv_models"].median
    result["ratios"] = {
        "lifetimes_clv / clv_models": steps["lifetimes_clv"].median / clv if clv else None,
        "pymc_clv / clv_models": (
            steps["pymc_clv"].median / clv if clv and "pymc_clv" in steps else None
        ),
        "lifetimes_fit / bg_nbd_fit": steps["lifetimes"].median / steps["bg_nbd_fit"].median,
    }
    result["ratios"]["full build / same export without refunds and currencies"] = (
        steps[f"full_build_{orders[-1]}"].median / steps["full_build_without_money"].median
    )
    for order in orders:
        full = steps[f"full_build_{order}"].median
        incremental = steps[f"incremental_build_{order}"].median
        result["ratios"][f"one-day / full build ({order})"] = incremental / full
    for variant in variants:
        for build_name in (f"full_build_{orders[0]}", f"incremental_build_{orders[0]}"):
            theirs = steps[f"{variant.key}_{build_name}"].median
            result["ratios"][f"{build_name} / {variant.label}'s"] = (
                steps[build_name].median / theirs
            )
    (workdir / "bench.json").write_text(json.dumps(result, indent=2) + "\n")
    return result


def money_off(space: Workspace, repeat: int, steps: dict, progress) -> None:
    """The full build of the last export (day N) with no refunds, no rates and no
    currency column: every amount read as dollars, the same orders. What refunds
    and currencies cost a build is the ratio of the two medians."""
    import pyarrow.parquet as pq

    plain = space.folder / "without_money"
    shutil.rmtree(plain, ignore_errors=True)
    shutil.copytree(
        space.day_n, plain, ignore=shutil.ignore_patterns("refunds.*", "exchange_rates.*")
    )
    orders = pq.read_table(plain / "orders.parquet")
    pq.write_table(orders.drop_columns(["currency"]), plain / "orders.parquet")
    db, target = space.folder / "without_money.duckdb", space.folder / "without_money_target"
    steps["full_build_without_money"] = step = Step(
        "full dbt build, without refunds and currencies"
    )
    for i in range(repeat):
        progress(f"{step.name}, {i + 1}/{repeat}")
        db.unlink(missing_ok=True)
        shutil.rmtree(target, ignore_errors=True)
        seconds, peak = space.run(DBT_BUILD, plain, LOYALTY_DB_PATH=str(db),
                                  DBT_TARGET_PATH=str(target))  # fmt: skip
        step.seconds.append(seconds)
        step.peak_mb = max(step.peak_mb, peak)
    step.note = not_passed(build_results(target))
    db.unlink(missing_ok=True)


def run_sizes(
    sizes: list[int],
    repeat: int,
    workdir: Path,
    progress=print,
    variants: tuple[Variant, ...] = (),
) -> dict:
    """`loyalty bench --sizes`: every size in one session, one row of the table each
    (results in WORKDIR/bench_sizes.json, each size's details in WORKDIR/<size>/)."""
    rows = {}
    for customers in sizes:
        progress(f"=== {customers:,} customers")
        big = customers > CHECKED_UP_TO
        result = run(customers, repeat, workdir / str(customers), progress,
                     orders=("appended",) if big else daily.ORDERS, check=not big,
                     variants=variants)  # fmt: skip
        rows[customers] = tables.size_row(result)
    out = {
        "machine": machine(),
        "repeat": repeat,
        "sizes": rows,
        "variants": {v.key: v.label for v in variants},
    }
    (workdir / "bench_sizes.json").write_text(json.dumps(out, indent=2) + "\n")
    return out
