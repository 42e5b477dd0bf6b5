"""`loyalty bench`: time and measure the pipeline on generated data.

Each step runs in its own process under a small wrapper that reports the peak resident
memory of what it ran (getrusage of the children), so a step's memory is its own.
Timings are medians over ``repeat`` runs in one session: compare ratios, not seconds
measured on different days.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path

from loyalty_warehouse import daily

ROOT = Path(__file__).resolve().parents[1]
WRAPPER = (
    "import json, resource, subprocess, sys\n"
    "code = subprocess.call(json.loads(sys.argv[1]))\n"
    "print(json.dumps({'code': code, 'peak_kb': "
    "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))\n"
)
# lifetimes 0.11.3 (2020) needs numpy < 2 and an older pandas and scipy; it lives in a
# venv of its own under the bench folder, never in the project's.
LIFETIMES_PINS = ["lifetimes==0.11.3", "numpy==1.26.4", "pandas==2.1.4", "scipy==1.11.4"]


CLV_MODELS = ("clv_model_params", "clv_customer_predictions", "clv_holdout_validation")


@dataclass
class Step:
    name: str
    seconds: list[float] = field(default_factory=list)
    peak_mb: float = 0.0
    note: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None


def machine() -> str:
    memory_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_kb = int(line.split()[1])
    except OSError:
        pass
    python = sys.version.split()[0]
    return f"{os.cpu_count()} cores, {memory_kb / 1024**2:.0f} GB memory, Python {python}"


def _run(cmd: list[str], env: dict, log: Path) -> tuple[float, float]:
    started = time.perf_counter()
    with log.open("a") as fh:
        proc = subprocess.run([sys.executable, "-c", WRAPPER, json.dumps(cmd)], env=env,
                              stdout=subprocess.PIPE, stderr=fh, text=True, cwd=ROOT)  # fmt: skip
    seconds = time.perf_counter() - started
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    report = json.loads(lines[-1]) if lines else {"code": proc.returncode, "peak_kb": 0}
    if report["code"] != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed (exit {report['code']}); see {log}")
    return seconds, report["peak_kb"] / 1024


def _tree_rss_mb(root: int) -> float:
    """Resident memory of a process and all its descendants (from /proc), in MB."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def _run_sampled(cmd: list[str], env: dict, log: Path) -> tuple[float, float]:
    """Like _run, with the peak memory sampled from /proc every 0.2 s: a Spark
    session's JVM is killed, not waited for, so getrusage never sees it."""
    started = time.perf_counter()
    peak = 0.0
    with log.open("a") as fh:
        proc = subprocess.Popen(cmd, env=env, stdout=fh, stderr=fh, cwd=ROOT)
        while proc.poll() is None:
            peak = max(peak, _tree_rss_mb(proc.pid))
            time.sleep(0.2)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed (exit {proc.returncode}); see {log}")
    return time.perf_counter() - started, peak


def not_passed(results: list[dict]) -> str:
    """The nodes of a build that warned, failed or errored, for the step's note: a
    benchmark of a build that is not green measures the wrong thing."""
    bad = sorted(f"{r['status'].upper()} {r['unique_id'].split('.')[-1]}"
                 for r in results if r["status"] not in ("success", "pass", "no-op"))  # fmt: skip
    return "; ".join(bad)


def compare_marts(first: Path, second: Path) -> dict[str, tuple[int, int]]:
    """{mart: (rows in second, rows not in both)} for every table of second's marts."""
    import duckdb

    out = {}
    with duckdb.connect(":memory:") as con:
        con.execute(f"attach '{first}' as a (read_only)")
        con.execute(f"attach '{second}' as b (read_only)")
        names = con.execute(
            "select table_name from information_schema.tables "
            "where table_catalog = 'b' and table_schema = 'marts' order by 1"
        ).fetchall()
        marts = [name for (name,) in names]
        for mart in marts:
            rows = con.execute(f"select count(*) from b.marts.{mart}").fetchall()[0][0]
            # build_info says when each build ran: compared on what it built
            columns = "as_of_date, project_name" if mart == "build_info" else "*"
            diff = con.execute(
                f"select count(*) from ((select {columns} from a.marts.{mart} except all "
                f"select {columns} from b.marts.{mart}) union all (select {columns} from "
                f"b.marts.{mart} except all select {columns} from a.marts.{mart}))"
            ).fetchall()[0][0]
            out[mart] = (rows, diff)
    return out


def _slowest(results: list[dict]) -> list[dict]:
    """The ten slowest nodes of a build's run_results."""
    timed = sorted(((r["execution_time"], r["unique_id"]) for r in results), reverse=True)
    return [{"seconds": s, "node": n} for s, n in timed[:10]]


def _clv_vars() -> tuple[float, float]:
    """The CLV horizon and discount rate the project's build uses."""
    import yaml

    variables = yaml.safe_load((ROOT / "dbt_project.yml").read_text())["vars"]
    return variables["clv_horizon_days"], variables["clv_annual_discount_rate"]


def _lifetimes_python() -> Path:
    """lifetimes' own venv, made once under target/ and shared by every bench run."""
    venv = ROOT / "target" / "lifetimes-venv"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.check_call([sys.executable, "-m", "venv", str(venv)])
        subprocess.check_call([str(python), "-m", "pip", "install", "--quiet", *LIFETIMES_PINS])
    return python


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
    workdir.mkdir(parents=True, exist_ok=True)
    log = workdir / "bench.log"
    log.write_text("")
    bin_dir = Path(sys.executable).parent
    raw, db, target = workdir / "raw", workdir / "warehouse.duckdb", workdir / "target"
    env = {
        **os.environ,
        "LOYALTY_RAW_DIR": str(raw),
        "LOYALTY_DB_PATH": str(db),
        "DBT_PROFILES_DIR": str(ROOT),
        "DBT_TARGET_PATH": str(target),
        "DBT_LOG_PATH": str(workdir / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    steps: dict[str, Step] = {}

    # the generated history ends on DAY + 1: the full build takes the export of DAY,
    # the incremental build the next day's (one more day, some late rows)
    generated, day_n, day_n1 = workdir / "generated", workdir / "day_n", workdir / "day_n1"
    progress(f"generating {customers:,} customers")
    step = steps["generate"] = Step("generate")
    shutil.rmtree(generated, ignore_errors=True)
    seconds, peak = _run([str(bin_dir / "loyalty"), "generate", "--customers", str(customers),
                          "--out", str(generated)], env, log)  # fmt: skip
    step.seconds.append(seconds)
    step.peak_mb = peak
    last_day = date.fromisoformat(json.loads((generated / "truth.json").read_text())["end_date"])

    def use_export(folder: Path) -> None:
        # one raw folder whose files are replaced, as a daily export would be
        shutil.rmtree(raw, ignore_errors=True)
        shutil.copytree(folder, raw)

    dbt_build = [str(bin_dir / "dbt"), "build", "--project-dir", str(ROOT)]
    slowest: dict[str, list] = {}
    differing: dict[str, dict] = {}
    for order in orders:
        # day N built in full, then day N + 1 incrementally, with the next day's rows
        # appended to the export or sorted in among the old ones (by customer)
        for folder in (day_n, day_n1):
            shutil.rmtree(folder, ignore_errors=True)
        daily.split_days(generated, last_day - timedelta(days=1), day_n, day_n1, order=order)
        use_export(day_n)
        step = steps[f"full_build_{order}"] = Step(f"full dbt build ({order})")
        for i in range(repeat):
            progress(f"full dbt build, {order} export, {i + 1}/{repeat}")
            db.unlink(missing_ok=True)
            shutil.rmtree(target, ignore_errors=True)
            seconds, peak = _run(dbt_build, env, log)
            step.seconds.append(seconds)
            step.peak_mb = max(step.peak_mb, peak)
        results = json.loads((target / "run_results.json").read_text())["results"]
        slowest[f"full_build_{order}"] = _slowest(results)
        step.note = not_passed(results)
        if order == orders[0]:
            _bench_publish(db, workdir, target / "manifest.json", repeat, steps, progress)

        # the one-day incremental build, each repeat from the same state after day N
        after_day_n = workdir / "after_day_n.duckdb"
        shutil.copyfile(db, after_day_n)
        use_export(day_n1)
        step = steps[f"incremental_build_{order}"] = Step(f"one-day build ({order})")
        for i in range(repeat):
            progress(f"one-day incremental dbt build, {order} export, {i + 1}/{repeat}")
            shutil.copyfile(after_day_n, db)
            seconds, peak = _run(dbt_build, env, log)
            step.seconds.append(seconds)
            step.peak_mb = max(step.peak_mb, peak)
        results = json.loads((target / "run_results.json").read_text())["results"]
        slowest[f"incremental_build_{order}"] = _slowest(results)
        incremental_not_passed = not_passed(results)
        after_day_n.unlink()

        if not check:
            step.note = "; ".join(filter(None, ["not compared", incremental_not_passed]))
            continue
        progress(f"full dbt build of the same two days ({order}), to compare every mart")
        check_db = workdir / "check_warehouse.duckdb"
        check_db.unlink(missing_ok=True)
        _run(dbt_build + ["--target-path", str(workdir / "check_target")],
             {**env, "LOYALTY_DB_PATH": str(check_db)}, log)  # fmt: skip
        differing[order] = {m: d for m, (_, d) in compare_marts(db, check_db).items() if d}
        step.note = "; ".join(filter(None, [
            "marts identical to a full build" if not differing[order]
            else f"marts differ from a full build: {differing[order]}",
            incremental_not_passed,
        ]))  # fmt: skip
        check_db.unlink()

    # the CLV models alone, as lifetimes' fit runs alone: inside a build they share the
    # two cores with three other threads, and their node times say more about what ran
    # beside them than about them. The sum of the three nodes' times: dbt's start is
    # left out, as the Python start and the CSV read are left out of lifetimes' time.
    step = steps["clv_models"] = Step("CLV models (params, predictions, holdout)")
    for i in range(repeat):
        progress(f"CLV models alone {i + 1}/{repeat}")
        _run([str(bin_dir / "dbt"), "run", "--project-dir", str(ROOT), "--select", *CLV_MODELS],
             env, log)  # fmt: skip
        results = json.loads((target / "run_results.json").read_text())["results"]
        step.seconds.append(sum(r["execution_time"] for r in results
                                if r["unique_id"].split(".")[-1] in CLV_MODELS))  # fmt: skip
    progress("lifetimes doing the CLV models' work on the same customers")
    summary = workdir / "clv_summary.csv"
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        con.sql('select x, t_x, "T", m_x, holdout_days, holdout_transactions, '
                "time_unit_days, margin_rate from intermediate.int_clv_customer_summary "
                "order by customer_id").write_csv(str(summary))  # fmt: skip
    horizon, rate = _clv_vars()
    python = _lifetimes_python()
    out = subprocess.run(
        [str(python), str(ROOT / "loyalty_warehouse" / "lifetimes_reference.py"),
         str(summary), str(repeat), str(horizon), str(rate)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    reference = json.loads(out.stdout.strip().splitlines()[-1])
    # the same fit on both sides: our parameters beside lifetimes' (its Gamma-Gamma
    # scale is called v where the papers and we say gamma)
    with duckdb.connect(str(db), read_only=True) as con:
        reference["ours"] = {
            f"{model}.{parameter}": value
            for model, parameter, value in con.execute(
                "select model, parameter, value from marts.clv_model_params"
            ).fetchall()
        }
    steps["lifetimes_clv"] = Step(
        "lifetimes, the CLV models' work", seconds=reference.pop("seconds")
    )
    fit = (
        "import json, sys, time, pandas as pd\n"
        "from lifetimes import BetaGeoFitter\n"
        "d = pd.read_csv(sys.argv[1])\n"
        "times = []\n"
        "for _ in range(int(sys.argv[2])):\n"
        "    t = time.perf_counter(); BetaGeoFitter().fit(d['x'], d['t_x'], d['T'])\n"
        "    times.append(time.perf_counter() - t)\n"
        "print(json.dumps(times))\n"
    )
    out = subprocess.run([str(python), "-c", fit, str(summary), str(repeat)],
                         capture_output=True, text=True, check=True)  # fmt: skip
    steps["lifetimes"] = Step("lifetimes BetaGeoFitter.fit",
                              seconds=json.loads(out.stdout.strip().splitlines()[-1]))  # fmt: skip
    # like for like: our BG/NBD fit alone, on the same file, timed the same way (the
    # reduction to distinct (x, t_x, T) included, the standard errors left out)
    ours = (
        "import json, sys, time, pandas as pd\n"
        "from loyalty_warehouse import clv\n"
        "d = pd.read_csv(sys.argv[1])\n"
        "times = []\n"
        "for _ in range(int(sys.argv[2])):\n"
        "    t = time.perf_counter()\n"
        "    (x, t_x, T), weights = clv.compress(d['x'], d['t_x'], d['T'])\n"
        "    clv.fit_bg_nbd(x, t_x, T, weights)\n"
        "    times.append(time.perf_counter() - t)\n"
        "print(json.dumps(times))\n"
    )
    out = subprocess.run([sys.executable, "-c", ours, str(summary), str(repeat)],
                         capture_output=True, text=True, check=True, env=env)  # fmt: skip
    steps["bg_nbd_fit"] = Step("our BG/NBD fit alone (clv.fit_bg_nbd)",
                               seconds=json.loads(out.stdout.strip().splitlines()[-1]))  # fmt: skip

    result = {
        "customers": customers,
        "repeat": repeat,
        "machine": machine(),
        "steps": {k: {**asdict(v), "median": v.median} for k, v in steps.items()},
        "slowest_nodes": slowest,
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


def _bench_postgres(workdir: Path):
    """(URL, stop) of the PostgreSQL server to publish into: LOYALTY_BENCH_POSTGRES,
    else a throwaway one (tests_python/pg_server.py) when Debian's server is installed,
    else (None, None)."""
    if os.environ.get("LOYALTY_BENCH_POSTGRES"):
        return os.environ["LOYALTY_BENCH_POSTGRES"], lambda: None
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "pg_server", ROOT / "tests_python" / "pg_server.py"
    )
    if spec is None or not Path(spec.origin).exists():
        return None, None
    pg_server = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(pg_server)
    if pg_server.binaries() is None:
        return None, None
    folder = workdir / "postgres"
    return pg_server.start(folder), lambda: pg_server.stop(folder)


def _bench_publish(db: Path, workdir: Path, manifest: Path, repeat: int, steps, progress):
    """The publish step of `loyalty build` after the full build: the DuckDB snapshot,
    then PostgreSQL when a server is at hand."""
    from loyalty_warehouse.publish import publish_duckdb

    published = workdir / "warehouse.published.duckdb"
    step = steps["publish_duckdb"] = Step("publish: DuckDB snapshot (copy, rename)")
    for i in range(repeat):
        progress(f"publishing the DuckDB snapshot {i + 1}/{repeat}")
        step.seconds.append(publish_duckdb(db, published).seconds)
    url, stop = _bench_postgres(workdir)
    if url is None:
        return
    from loyalty_warehouse.publish_postgres import publish_postgres

    step = steps["publish_postgres"] = Step("publish: PostgreSQL (load, keys, swap)")
    try:
        for i in range(repeat):
            progress(f"publishing into PostgreSQL {i + 1}/{repeat}")
            done = publish_postgres(published, url, manifest=manifest)
            step.seconds.append(done.seconds)
            step.note = f"{sum(done.tables.values()):,} rows"
    finally:
        stop()


# Above this many customers a size runs one export order and no comparison build:
# the comparison is a third full build, and the smaller sizes already show equality.
CHECKED_UP_TO = 1_000_000


def run_sizes(sizes: list[int], repeat: int, workdir: Path, progress=print) -> dict:
    """`loyalty bench --sizes`: every size in one session, one row of the table each
    (results in WORKDIR/bench_sizes.json, each size's details in WORKDIR/<size>/)."""
    rows = {}
    for customers in sizes:
        progress(f"=== {customers:,} customers")
        big = customers > CHECKED_UP_TO
        result = run(customers, repeat, workdir / str(customers), progress,
                     orders=("appended",) if big else daily.ORDERS, check=not big)  # fmt: skip
        rows[customers] = size_row(result)
    out = {"machine": machine(), "repeat": repeat, "sizes": rows}
    (workdir / "bench_sizes.json").write_text(json.dumps(out, indent=2) + "\n")
    return out


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
        "publish_duckdb_s": steps.get("publish_duckdb", {}).get("median"),
        "publish_postgres_s": steps.get("publish_postgres", {}).get("median"),
    }


def sizes_table(out: dict) -> str:
    """bench_sizes.json as the markdown table of BENCHMARKS.md."""
    lines = [
        "| customers | generate | full build | peak | one-day build | one-day / full "
        "| CLV models | lifetimes, same work | lifetimes / ours | fit / fit |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for customers, r in out["sizes"].items():
        gen_gb, full_gb = r["generate_peak_mb"] / 1024, r["full_build_peak_mb"] / 1024
        ours, fits = r["lifetimes_clv_vs_clv_models"], r["lifetimes_fit_vs_bg_nbd_fit"]
        lines.append(
            f"| {int(customers):,} | {r['generate_s']:.1f} s ({gen_gb:.1f} GB)"
            f" | {r['full_build_s']:.1f} s | {full_gb:.1f} GB"
            f" | {r['one_day_build_s']:.1f} s | {r['one_day_vs_full']:.2f}"
            f" | {r['clv_models_s']:.2f} s | {r['lifetimes_clv_s']:.2f} s"
            f" | {ours:.1f}x | {fits:.1f}x |"
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


def run_spark(customers: int, workdir: Path, progress=print, one_day: bool = True) -> dict:
    """`loyalty bench --target spark`: the same data built once in full on DuckDB and
    once on Spark (the in-process session of the `spark` target), then the one-day
    incremental build on Spark; the Spark marts compared with DuckDB's. One run each:
    a Spark build of a million customers takes minutes, and the figures are read side
    by side. A build's peak memory is its process tree's, sampled from /proc (Spark's
    JVM included)."""
    workdir.mkdir(parents=True, exist_ok=True)
    log = workdir / "bench.log"
    log.write_text("")
    bin_dir = Path(sys.executable).parent
    generated, day_n, day_n1 = workdir / "generated", workdir / "day_n", workdir / "day_n1"
    db, spark_dir = workdir / "warehouse.duckdb", workdir / "spark"
    env = {
        **os.environ,
        "LOYALTY_DB_PATH": str(db),
        "LOYALTY_SPARK_DIR": str(spark_dir),
        "DBT_PROFILES_DIR": str(ROOT),
        "DBT_TARGET_PATH": str(workdir / "target"),
        "DBT_LOG_PATH": str(workdir / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    env.setdefault("LOYALTY_SPARK_DRIVER_MEMORY", "12g")
    steps: dict[str, Step] = {}

    progress(f"generating {customers:,} customers")
    shutil.rmtree(generated, ignore_errors=True)
    seconds, peak = _run([str(bin_dir / "loyalty"), "generate", "--customers", str(customers),
                          "--out", str(generated)], env, log)  # fmt: skip
    steps["generate"] = Step("generate", [seconds], peak)
    last_day = date.fromisoformat(json.loads((generated / "truth.json").read_text())["end_date"])
    for folder in (day_n, day_n1):
        shutil.rmtree(folder, ignore_errors=True)
    daily.split_days(generated, last_day - timedelta(days=1), day_n, day_n1, order="appended")

    loyalty = str(bin_dir / "loyalty")
    results = {}
    builds = [
        ("duckdb_full_build", "full build, DuckDB", day_n,
         [str(bin_dir / "dbt"), "build", "--project-dir", str(ROOT)]),
        ("spark_full_build", "full build, Spark", day_n,
         [loyalty, "build", "--target", "spark"]),
        ("spark_incremental_build", "one-day build, Spark", day_n1,
         [loyalty, "build", "--target", "spark"]),
    ]  # fmt: skip
    for name, label, raw, cmd in builds if one_day else builds[:2]:
        progress(label)
        if name == "duckdb_full_build":
            db.unlink(missing_ok=True)
        if name == "spark_full_build":
            shutil.rmtree(spark_dir, ignore_errors=True)
        seconds, peak = _run_sampled(cmd, {**env, "LOYALTY_RAW_DIR": str(raw)}, log)
        run_results = json.loads((workdir / "target" / "run_results.json").read_text())
        steps[name] = Step(label, [seconds], peak, not_passed(run_results["results"]))
        results[name] = _slowest(run_results["results"])

    last = "spark_incremental_build" if one_day else "spark_full_build"
    if one_day:
        progress("a DuckDB build of the next day, to compare with Spark's one-day build")
        db.unlink(missing_ok=True)
        _run([str(bin_dir / "dbt"), "build", "--project-dir", str(ROOT)],
             {**env, "LOYALTY_RAW_DIR": str(day_n1)}, log)  # fmt: skip
    else:
        progress("comparing Spark's full build with DuckDB's")
    compared = subprocess.run([loyalty, "compare-engines", "--db", str(db)], env=env,
                              capture_output=True, text=True, cwd=ROOT)  # fmt: skip
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
        "slowest_nodes": results,
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
