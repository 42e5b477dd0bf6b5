"""`loyalty compare-engines`, `clv-fit` and `bench`: tools around the build."""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.console import Console

from loyalty_warehouse import paths
from loyalty_warehouse.cli import app, console


@app.command("compare-engines")
def compare_engines(
    db: Path = typer.Option(
        Path(paths.DEFAULT_WAREHOUSE), envvar="LOYALTY_DB_PATH", help="DuckDB warehouse."
    ),
    target: str = typer.Option(
        "spark", help="The Spark target of profiles.yml: spark (in-process) or spark_connect."
    ),
    project_dir: Path = typer.Option(
        Path("."), help="The dbt project whose profile has the target (a root project's)."
    ),
    schemas: list[str] = typer.Option(
        ["marts", "quarantine"], "--schema", help="A schema to compare (repeat for more)."
    ),
) -> None:
    """Compare the Spark build with a DuckDB build of the same raw data.

    Compare every table of `marts` and `quarantine` (or of each --schema) built on
    Spark with the DuckDB warehouse built from the same raw data: tables, columns,
    counts and every value
    (floating-point numbers within 1e-9 relative, 1e-6 in the CLV tables); a table of
    more than a million rows a month at a time, so that the driver holds one month.
    One line per table; exits 1 if any differs."""
    from loyalty_warehouse.compare.engines import SparkTables, compare, report
    from loyalty_warehouse.spark.session import DbtArgs, start

    if not db.exists():
        console.print(f"[red]No warehouse at {db}: build it with dbt first.")
        raise typer.Exit(2)
    spark = start(DbtArgs(target=target, project_dir=project_dir))
    results = compare(db, SparkTables(spark, tuple(schemas)), tuple(schemas))
    typer.echo(report(results))
    different = [r for r in results if not r.equal]
    console.print(f"{len(results) - len(different)} tables equal, {len(different)} different")
    if different:
        raise typer.Exit(1)


@app.command("compare-commits")
def compare_commits(
    base: str = typer.Argument(..., help="The commit to compare with (a sha, tag or branch)."),
    customers: int = typer.Option(20_000, min=100, help="Customers to generate."),
    dirty: float = typer.Option(0.03, min=0.0, max=0.11, help="Share of spoiled rows."),
    file_format: str = typer.Option("csv", "--format", help="csv or parquet raw files."),
    seed: int = typer.Option(7, help="Generator seed."),
    engine: str = typer.Option("duckdb", help="duckdb, or spark (the in-process session)."),
    workdir: Path = typer.Option(Path("target/compare"), help="Scratch folder for the builds."),
) -> None:
    """Compare the marts of another commit with this checkout's, on the same data.

    Generate one export, build the models and seeds of BASE (checked out in a git
    worktree, with its own Python package) and of this checkout on it, and compare
    every table of `marts` and `quarantine`: columns, types and every row (the
    columns that say when a build ran left out). One line per table, naming both
    commits; exits 1 if any differs."""
    from loyalty_warehouse.compare.commits import compare_commits as run

    if engine not in ("duckdb", "spark"):
        console.print(f"[red]--engine must be duckdb or spark, not {engine!r}")
        raise typer.Exit(2)
    result = run(base, customers, workdir, dirty, seed, engine, file_format,
                 progress=lambda m: console.print(f"[dim]{m}"))  # fmt: skip
    typer.echo("\n".join(result.lines()))
    if result.differing:
        raise typer.Exit(1)


@app.command("clv-fit")
def clv_fit(
    db: Path = typer.Option(
        Path(paths.DEFAULT_WAREHOUSE), envvar="LOYALTY_DB_PATH", help="Warehouse built by dbt."
    ),
    repeat: int = typer.Option(3, min=1, help="Fit this many times; report the median."),
) -> None:
    """Refit the CLV models on the warehouse and time the fit.

    Refit BG/NBD and Gamma-Gamma on the warehouse's int_clv_customer_summary and
    print the parameters and the median fit time (what clv_model_params does)."""
    import statistics

    import duckdb
    from rich.table import Table

    from loyalty_warehouse.clv.tables import PARAMS_INPUT_COLUMNS, model_params

    # the columns clv_model_params reads, as Arrow, as the dbt model gets them
    with duckdb.connect(str(db), read_only=True) as con:
        summary = con.sql(
            f"select {', '.join(PARAMS_INPUT_COLUMNS)} from intermediate.int_clv_customer_summary"
        ).to_arrow_table()
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        params = model_params(summary).to_pandas()
        seconds.append(time.perf_counter() - started)
    median = statistics.median(seconds)
    table = Table(
        title=f"{summary.num_rows:,} customers fitted, median {median:.2f} s over {repeat}"
    )
    for column in ("model", "parameter", "value", "std_error", "converged"):
        table.add_column(column)
    for row in params.itertuples():
        value = f"{row.value:.4f}" if row.converged else "-"
        error = f"{row.std_error:.4f}" if row.converged else "-"
        table.add_row(row.model, row.parameter, value, error, str(row.converged))
    Console().print(table)


@app.command()
def bench(
    customers: int = typer.Option(100_000, min=100, help="Customers to generate."),
    repeat: int = typer.Option(3, min=1, help="Runs per timing; the median is reported."),
    workdir: Path = typer.Option(Path("target/bench"), help="Scratch folder for the runs."),
    target: str = typer.Option(
        "dev",
        help="dev (DuckDB), or spark: a full and a one-day build on DuckDB, on Spark in "
        "this process and on the local Spark cluster over Spark Connect, both Spark "
        "builds compared with DuckDB (bench_spark.json).",
    ),
    one_day: bool = typer.Option(
        True, "--one-day/--no-one-day", help="With --target spark: also the one-day builds."
    ),
    engines: str = typer.Option(
        "duckdb,spark,spark_connect",
        help="With --target spark: the engines to build on, of duckdb (needed to "
        "compare), spark (in-process) and spark_connect (the local cluster).",
    ),
    sizes: str = typer.Option(
        "",
        help="Comma-separated sizes (e.g. 10000,100000,1000000) measured in one session "
        "instead of --customers: one table row each, WORKDIR/bench_sizes.json; above "
        "1,000,000 one export order and no comparison build.",
    ),
    against: str = typer.Option(
        "",
        help="A commit (e.g. main~3) built on the same exports, each repeat beside this "
        "checkout's (the first export order), its marts compared with this checkout's.",
    ),
    duckdb: str = typer.Option(
        "",
        help="Comma-separated DuckDB releases (e.g. 1.5.6,2.0.1) this checkout is also "
        "built on, like --against, each in a venv of its own under target/.",
    ),
) -> None:
    """Measure generation, builds, memory and the CLV models against lifetimes.

    Generate data; for each export order (the next day's rows appended, or sorted in
    by customer id) time the full dbt build of all days but the last (peak memory
    too), then the one-day incremental build that adds the last day, and check its
    marts against a full build of both; time the CLV models, run alone, against
    lifetimes doing the same work on the same customers (in a venv of its own), and
    the BG/NBD fits alone; list the ten slowest nodes of each build. Results also go
    to WORKDIR/bench.json; with --sizes, one row per size (bench_sizes.json)."""
    from contextlib import ExitStack

    from loyalty_warehouse.bench.variants import commit_variant, duckdb_variant

    def progress(message: str) -> None:
        console.print(f"[dim]{message}")

    with ExitStack() as stack:
        variants = []
        if against:
            workdir.mkdir(parents=True, exist_ok=True)
            variants.append(stack.enter_context(commit_variant(against, workdir.resolve())))
        for version in filter(None, (v.strip() for v in duckdb.split(","))):
            progress(f"a venv with duckdb {version} (once)")
            variants.append(duckdb_variant(version))
        _bench(customers, repeat, workdir, target, one_day, engines, sizes, tuple(variants),
               progress)  # fmt: skip


def _bench(customers, repeat, workdir, target, one_day, engines, sizes, variants, progress):
    from loyalty_warehouse.bench import print_result, run, run_sizes, run_spark, sizes_table

    if sizes:
        try:
            counts = [int(size.replace("_", "")) for size in sizes.split(",")]
        except ValueError:
            console.print(f"[red]--sizes must be whole numbers separated by commas, not {sizes!r}")
            raise typer.Exit(2) from None
        out = run_sizes(counts, repeat, workdir, progress=progress, variants=variants)
        console.print(f"{out['machine']}; median of {repeat}")
        typer.echo(sizes_table(out))
        return
    if target == "spark":
        if variants:
            console.print("[red]--against and --duckdb are for DuckDB builds, not --target spark")
            raise typer.Exit(2)
        chosen = tuple(e.strip() for e in engines.split(","))
        if "duckdb" not in chosen or not set(chosen) <= {"duckdb", "spark", "spark_connect"}:
            console.print(
                f"[red]--engines takes duckdb and spark or spark_connect, not {engines!r}"
            )
            raise typer.Exit(2)
        # DuckDB first: the Spark builds are compared with its warehouse
        chosen = tuple(e for e in ("duckdb", "spark", "spark_connect") if e in chosen)
        result = run_spark(customers, workdir, progress=progress, one_day=one_day, engines=chosen)
        repeat = 1
        for build, peaks in result["peak_mb_by_process"].items():
            listed = ", ".join(f"{name} {mb:,.0f} MB" for name, mb in peaks.items())
            console.print(f"peak memory, {build.replace('_', ' ')}: {listed}")
    else:
        result = run(customers, repeat, workdir, progress=progress, variants=variants)
    print_result(result, customers, repeat)
