"""What `loyalty bench` prints and BENCHMARKS.md shows: a run's steps, its slowest
nodes and ratios, and the table of sizes."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table


def size_row(result: dict) -> dict:
    """The figures of one size for the table in BENCHMARKS.md."""
    steps = result["steps"]
    full, one_day = steps["full_build_appended"], steps["incremental_build_appended"]
    return {
        "generate_s": steps["generate"]["median"],
        "generate_peak_mb": steps["generate"]["peak_mb"],
        "full_build_s": full["median"],
        "full_build_peak_mb": full["peak_mb"],
        "one_day_build_s": one_day["median"],
        "one_day_peak_mb": one_day["peak_mb"],
        "one_day_vs_full": one_day["median"] / full["median"],
        "one_day_checked": one_day["note"],
        "clv_models_s": steps["clv_models"]["median"],
        "lifetimes_clv_s": steps["lifetimes_clv"]["median"],
        "lifetimes_clv_vs_clv_models": result["ratios"]["lifetimes_clv / clv_models"],
        "lifetimes_fit_vs_bg_nbd_fit": result["ratios"]["lifetimes_fit / bg_nbd_fit"],
        "pymc_clv_s": steps.get("pymc_clv", {}).get("median"),
        "pymc_clv_vs_clv_models": result["ratios"]["pymc_clv / clv_models"],
        "same_parameters": same_parameters(result["lifetimes_reference"]),
        "publish_duckdb_s": steps.get("publish_duckdb", {}).get("median"),
        "publish_postgres_s": steps.get("publish_postgres", {}).get("median"),
        "variants": {
            key: {
                "label": label,
                "full_build_s": steps[f"{key}_full_build_appended"]["median"],
                "one_day_build_s": steps[f"{key}_incremental_build_appended"]["median"],
                "full_build_peak_mb": steps[f"{key}_full_build_appended"]["peak_mb"],
                "checked": steps[f"{key}_incremental_build_appended"]["note"],
            }
            for key, label in result.get("variants", {}).items()
        },
    }


# the peers' names for our parameters (both call the Gamma-Gamma scale v)
PEER_NAMES = {"bg_nbd.r": "r", "bg_nbd.alpha": "alpha", "bg_nbd.a": "a", "bg_nbd.b": "b",
              "gamma_gamma.p": "p", "gamma_gamma.q": "q", "gamma_gamma.gamma": "v"}  # fmt: skip


def same_parameters(reference: dict) -> dict[str, float]:
    """The largest relative difference between our seven fitted parameters and each
    peer's ({"lifetimes": ..., "pymc_marketing": ...})."""
    ours = reference["ours"]
    out = {}
    peers = (("lifetimes", reference), ("pymc_marketing", reference.get("pymc_marketing")))
    for peer, theirs in peers:
        if theirs is None:  # not run at this size
            continue
        out[peer] = max(
            abs(theirs[name.split(".")[0]][short] - ours[name]) / abs(ours[name])
            for name, short in PEER_NAMES.items()
        )
    return out


def sizes_table(out: dict) -> str:
    """bench_sizes.json as the markdown table of BENCHMARKS.md."""
    lines = [
        "| customers | generate | full build | peak | one-day build | one-day / full "
        "| CLV models | lifetimes, same work | lifetimes / ours | pymc-marketing, same work "
        "| pymc-marketing / ours | fit / fit | parameters, largest difference |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for customers, r in out["sizes"].items():
        gen_gb, full_gb = r["generate_peak_mb"] / 1024, r["full_build_peak_mb"] / 1024
        ours, fits = r["lifetimes_clv_vs_clv_models"], r["lifetimes_fit_vs_bg_nbd_fit"]
        same = r["same_parameters"]
        pymc = (f"{r['pymc_clv_s']:.2f} s | {r['pymc_clv_vs_clv_models']:.1f}x"
                if r.get("pymc_clv_s") else "not run | -")  # fmt: skip
        differences = ", ".join(f"{peer.replace('_', '-')} {d:.0e}" for peer, d in same.items())
        lines.append(
            f"| {int(customers):,} | {r['generate_s']:.1f} s ({gen_gb:.1f} GB)"
            f" | {r['full_build_s']:.1f} s | {full_gb:.1f} GB"
            f" | {r['one_day_build_s']:.1f} s | {r['one_day_vs_full']:.2f}"
            f" | {r['clv_models_s']:.2f} s | {r['lifetimes_clv_s']:.2f} s"
            f" | {ours:.1f}x | {pymc} | {fits:.1f}x | {differences} |"
        )
    compared = [(c, r) for c, r in out["sizes"].items() if r.get("variants")]
    if compared:
        lines += ["", "| customers | build | full build | one-day build | peak (full) "
                  "| this checkout's full / theirs | one-day / theirs | marts |",
                  "|---:|---|---:|---:|---:|---:|---:|---|"]  # fmt: skip
        for customers, r in compared:
            lines.append(f"| {int(customers):,} | this checkout | {r['full_build_s']:.1f} s"
                         f" | {r['one_day_build_s']:.1f} s"
                         f" | {r['full_build_peak_mb'] / 1024:.1f} GB | | | |")  # fmt: skip
            for v in r["variants"].values():
                lines.append(
                    f"| {int(customers):,} | {v['label']} | {v['full_build_s']:.1f} s"
                    f" | {v['one_day_build_s']:.1f} s | {v['full_build_peak_mb'] / 1024:.1f} GB"
                    f" | {r['full_build_s'] / v['full_build_s']:.2f}"
                    f" | {r['one_day_build_s'] / v['one_day_build_s']:.2f} | {v['checked']} |"
                )
    publishes = [(c, r) for c, r in out["sizes"].items() if r.get("publish_duckdb_s")]
    if publishes:
        lines += ["", "| customers | publish: DuckDB snapshot | publish: PostgreSQL |",
                  "|---:|---:|---:|"]  # fmt: skip
        for customers, r in publishes:
            postgres = r.get("publish_postgres_s")
            lines.append(f"| {int(customers):,} | {r['publish_duckdb_s']:.1f} s | "
                         + (f"{postgres:.1f} s |" if postgres else "no server |"))  # fmt: skip
    return "\n".join(lines)


def print_result(result: dict, customers: int, repeat: int) -> None:
    """One size's steps (median, every run, peak memory, note), the ten slowest nodes
    of each build, and the ratios."""
    console = Console()
    table = Table(title=f"{customers:,} customers; {result['machine']}; median of {repeat}")
    for column in ("step", "median s", "runs (s)", "peak MB", "note"):
        table.add_column(column)
    for step in result["steps"].values():
        runs = ", ".join(f"{s:.2f}" for s in step["seconds"])
        median = f"{step['median']:.2f}" if step["median"] is not None else "-"
        peak = f"{step['peak_mb']:.0f}" if step["peak_mb"] else "-"
        table.add_row(step["name"], median, runs, peak, step["note"])
    console.print(table)
    for build, nodes in result["slowest_nodes"].items():
        slow = Table(title=f"ten slowest nodes of the last {build.replace('_', ' ')}")
        slow.add_column("seconds")
        slow.add_column("node")
        for node in nodes:
            slow.add_row(f"{node['seconds']:.2f}", node["node"])
        console.print(slow)
    for name, value in result["ratios"].items():
        console.print(f"{name}: {value:.2f}x" if value else f"{name}: -")
