"""The `loyalty` command: the Python tools around the dbt project."""

from __future__ import annotations

import time
from datetime import date
from enum import Enum
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

app = typer.Typer(
    help="loyalty-warehouse: generate demo data, build (DuckDB or Spark), validate and "
    "query the warehouse, open its dashboard, compare engines, refit the CLV models, "
    "benchmark. `loyalty COMMAND --help` says more.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(stderr=True)


class FileFormat(str, Enum):
    parquet = "parquet"
    csv = "csv"


@app.callback()
def main() -> None:
    """loyalty-warehouse: the Python tools around the dbt project."""


@app.command()
def generate(
    customers: int = typer.Option(20_000, min=1, help="Number of customer accounts."),
    seed: int = typer.Option(42, help="Random seed: the same seed gives the same files."),
    out: Path = typer.Option(Path("data/raw"), help="Folder to write the raw tables to."),
    file_format: FileFormat = typer.Option(
        FileFormat.parquet, "--format", help="File format of the raw tables."
    ),
    dirty: float = typer.Option(
        0.0,
        min=0.0,
        max=0.11,
        help="Inject every quarantine reason into about this share of each table's rows "
        "(malformed rows in CSV only) and write dirty_manifest.csv listing them.",
    ),
    end_date: str = typer.Option(
        "2025-12-31", help="Last day of the data (ISO date); the data covers three years."
    ),
    chunk_customers: int = typer.Option(
        400_000,
        min=1,
        help="Customers simulated before their rows are set aside on disk: memory grows "
        "with it; the files do not change.",
    ),
) -> None:
    """Write a demo data set: customers, orders, survey_responses, referral_offers.

    Purchases follow a BG/NBD process with known parameters per acquisition channel
    and spend follows Gamma-Gamma; both are written to truth.json beside the data so
    the fitted models can be checked against them. Streams in chunks: ten million
    customers need a few GB of memory and as much free disk.
    """
    from loyalty_warehouse.generate import GeneratorConfig, write_raw

    cfg = GeneratorConfig(
        customers=customers,
        seed=seed,
        end_date=date.fromisoformat(end_date),
        dirty_rate=dirty,
        file_format=file_format.value,
        chunk_customers=chunk_customers,
    )
    started = time.perf_counter()
    with Progress(
        TextColumn("[bold]{task.description:<22}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        tasks: dict[str, int] = {}

        def step(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=max(total, 1))
            progress.update(tasks[stage], completed=done)

        try:
            written = write_raw(cfg, out, step)
        except ValueError as error:
            console.print(f"[red]{error}[/red]")
            raise typer.Exit(2) from None
    counts = written.truth["counts"]
    console.print(
        f"wrote {', '.join(p.name for p in written.paths)} to {out} in "
        f"{time.perf_counter() - started:.1f} s: {counts['customers']:,} customers, "
        f"{counts['orders']:,} orders, {counts['survey_responses']:,} survey responses, "
        f"{counts['referral_offers']:,} referral offers"
    )
    if written.manifest:
        console.print(f"dirty: injected {len(written.manifest):,} problems (dirty_manifest.csv)")


def _lock_holder(db: Path) -> str | None:
    """None when the warehouse file can be opened for writing, else who holds it."""
    import re

    import duckdb

    if not db.exists():
        return None
    try:
        duckdb.connect(str(db)).close()
    except duckdb.IOException as error:
        if "lock" not in str(error).lower():
            raise
        pid = re.search(r"PID (\d+)", str(error))
        return f"PID {pid.group(1)}" if pid else "another process"
    return None


def _spark_session_target(args: list[str]) -> bool:
    """Whether dbt, given these arguments, builds on a Spark session target (of this
    project's profile or of a root project's). A profile that cannot be read is
    dbt's to report."""
    import jinja2
    import yaml

    from loyalty_warehouse import spark_session

    try:
        _, output = spark_session.profile_output(spark_session.DbtArgs.parse(args))
    except (OSError, KeyError, ValueError, TypeError, yaml.YAMLError, jinja2.TemplateError):
        return False
    return spark_session.is_session_target(output)


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def build(
    ctx: typer.Context,
    run_validation: bool = typer.Option(
        True, "--validate/--no-validate", help="Run `loyalty validate` after a green build."
    ),
    publish: bool = typer.Option(
        True,
        "--publish/--no-publish",
        help="Publish the marts for BI when the build and validation pass.",
    ),
    postgres: str = typer.Option(
        "",
        envvar="LOYALTY_PUBLISH_POSTGRES",
        help="Also publish into this PostgreSQL database (a postgresql:// URL).",
    ),
) -> None:
    """Build the warehouse: dbt build, the Great Expectations checks, then publish.

    Run `dbt build` (extra arguments are passed on, e.g. --select, --vars or
    --target) into the working warehouse, validate it, and only when both pass
    publish its marts as the snapshot BI reads (LOYALTY_PUBLISHED_PATH, and PostgreSQL
    with --postgres); a failed build leaves the published snapshot as it was. Checks
    first that no other process holds the working warehouse. With `--target spark` it
    starts the Spark session in this process, registers the CLV table functions in it
    and runs dbt there (a plain `dbt build` cannot register them); nothing is
    published from Spark."""
    import os
    import subprocess
    import sys

    from loyalty_warehouse import paths
    from loyalty_warehouse import publish as publishing

    os.environ.setdefault("LOYALTY_PROJECT_COMMIT", publishing.project_commit(Path.cwd()))
    if _spark_session_target(ctx.args):
        from dbt.cli.main import dbtRunner

        from loyalty_warehouse.spark_session import DbtArgs, start

        start(DbtArgs.parse(ctx.args))
        result = dbtRunner().invoke(["build", *ctx.args])
        raise typer.Exit(0 if result.success else 1)

    db = paths.warehouse_path()
    published = paths.published_path(db)
    holder = _lock_holder(db)
    if holder:
        typer.echo(
            f"The warehouse {db} is in use by another process ({holder}): close that "
            "connection (a DuckDB CLI or notebook, or another build) and run again; BI "
            f"tools read the published snapshot {published} instead.",
            err=True,
        )
        raise typer.Exit(1)
    dbt = Path(sys.executable).with_name("dbt")
    code = subprocess.call([str(dbt), "build", *ctx.args])
    if code:
        _left_unpublished(published, "the dbt build failed")
        raise typer.Exit(code if code > 0 else 1)
    failed = None
    if run_validation:
        try:
            docs = Path(os.environ.get("DBT_TARGET_PATH", "target")) / "gx"
            validate(db=db, docs=docs, quarantine_error_share=0.25)
        except typer.Exit as error:
            failed = error
    from loyalty_warehouse.summary import text

    typer.echo(text(db))
    if failed:
        _left_unpublished(published, "validation failed")
        raise failed
    if publish:
        done = publishing.publish_duckdb(db, published)
        typer.echo(f"\nPublished {done.path.resolve()} for BI ({len(done.tables)} tables of "
                   f"marts in {done.seconds:.1f} s)")  # fmt: skip
        if postgres:
            _publish_postgres(done.path, postgres)


def _left_unpublished(published: Path, why: str) -> None:
    from loyalty_warehouse.publish import snapshot

    held = snapshot(published)
    if held:
        typer.echo(f"Not published ({why}): BI still reads {held.line()}.", err=True)
    else:
        typer.echo(f"Not published ({why}): there is no published snapshot yet.", err=True)


def _publish_postgres(snapshot_path: Path, url: str) -> None:
    from loyalty_warehouse.publish_postgres import PublishError, publish_postgres

    try:
        done = publish_postgres(snapshot_path, url)
    except PublishError as error:
        typer.echo(f"Not published to PostgreSQL: {error}", err=True)
        raise typer.Exit(1) from None
    typer.echo(done.line())


@app.command("publish")
def publish_command(
    postgres: str = typer.Option(
        "",
        envvar="LOYALTY_PUBLISH_POSTGRES",
        help="Also load the snapshot into this PostgreSQL database (a postgresql:// URL).",
    ),
    postgres_only: bool = typer.Option(
        False, "--postgres-only", help="Load the published snapshot as it is into PostgreSQL."
    ),
) -> None:
    """Publish the working warehouse's marts for BI (what `loyalty build` does last).

    Write the marts of the working warehouse (LOYALTY_DB_PATH) as a new snapshot file
    and put it in place of the published one (LOYALTY_PUBLISHED_PATH) with one rename;
    with --postgres, load that snapshot into a new PostgreSQL schema and swap it with
    the old one in one transaction. Publish only a warehouse whose build passed:
    `loyalty build` does so by itself."""
    from loyalty_warehouse import paths
    from loyalty_warehouse import publish as publishing

    db = paths.warehouse_path()
    published = paths.published_path(db)
    if postgres_only:
        if not postgres:
            console.print("[red]--postgres-only needs --postgres URL")
            raise typer.Exit(2)
        if not published.exists():
            console.print(f"[red]No published snapshot at {published}: run `loyalty build`.")
            raise typer.Exit(2)
        _publish_postgres(published, postgres)
        return
    if not db.exists():
        console.print(f"[red]No warehouse at {db}: run `make build` (or dbt build) first.")
        raise typer.Exit(2)
    done = publishing.publish_duckdb(db, published)
    typer.echo(f"Published {done.path.resolve()} ({len(done.tables)} tables of marts in "
               f"{done.seconds:.1f} s)")  # fmt: skip
    if postgres:
        _publish_postgres(done.path, postgres)


@app.command()
def validate(
    db: Path = typer.Option(
        Path("warehouse.duckdb"), envvar="LOYALTY_DB_PATH", help="Warehouse built by dbt."
    ),
    docs: Path = typer.Option(
        Path("target/gx"), help="GX project folder (named gx) holding the Data Docs."
    ),
    quarantine_error_share: float = typer.Option(
        0.25, help="Largest share of a raw table's rows allowed in quarantine."
    ),
) -> None:
    """Check the warehouse with Great Expectations; exit 1 on any failure.

    Validate the marts with Great Expectations: keys, rates in [0, 1], NPS and its
    interval, score scales, predictions >= 0, core marts filled when their input is,
    quarantine share, cohort retention 1 at month 0 and E = S + N + R - L. Prints one
    line per failed expectation and exits 1 if any failed."""
    from loyalty_warehouse.validate import validate as run

    if not db.exists():
        console.print(f"[red]No warehouse at {db}: run `make build` (or dbt build) first.")
        raise typer.Exit(2)
    started = time.perf_counter()
    failures, total = run(db, docs, quarantine_error_share)
    for failure in failures:
        typer.echo(failure.line())  # one plain line each, never wrapped
    seconds = time.perf_counter() - started
    summary = f"{total - len(failures)} passed, {len(failures)} failed"
    console.print(f"{summary} ({seconds:.1f} s); Data Docs: {docs}/uncommitted/data_docs/"
                  "local_site/index.html", highlight=False)  # fmt: skip
    if failures:
        raise typer.Exit(1)


@app.command()
def query(
    sql: str = typer.Argument(
        ..., help='One SQL query, e.g. "select * from marts.dim_customers limit 5".'
    ),
    db: Path | None = typer.Option(
        None, help="DuckDB file to query (default: the published snapshot, as BI sees it)."
    ),
    working: bool = typer.Option(
        False, "--working", help="Query the working warehouse (staging, quarantine...)."
    ),
    rows: int = typer.Option(40, min=1, help="Rows to print at most."),
) -> None:
    """Run one SQL query on the published marts (read-only) and print the result."""
    import duckdb

    from loyalty_warehouse import paths

    db = db or (paths.warehouse_path() if working else paths.published_path())
    if not db.exists():
        console.print(f"[red]No warehouse at {db}: run `make build` first.")
        raise typer.Exit(2)
    with duckdb.connect(str(db), read_only=True) as con:
        try:
            con.sql(sql).show(max_rows=rows, max_width=200)
        except duckdb.Error as error:
            typer.echo(str(error).splitlines()[0], err=True)
            raise typer.Exit(1) from None


@app.command()
def dashboard(
    db: Path | None = typer.Option(
        None, help="DuckDB file to show (default: the published snapshot)."
    ),
    port: int = typer.Option(8501, help="Port on 127.0.0.1."),
) -> None:
    """Open the dashboard on http://127.0.0.1:8501.

    Start the dashboard (Streamlit) on http://127.0.0.1:PORT, reading the published
    snapshot read-only: overview, retention, value, voice of the customer and loyalty
    pages. A build running meanwhile does not disturb it."""
    import os
    import sys

    from loyalty_warehouse import paths

    db = db or paths.published_path()
    app_file = Path(__file__).with_name("dashboard") / "app.py"
    if not db.exists():
        console.print(f"[yellow]No published snapshot at {db} yet: the dashboard will say so.")
    console.print(f"Dashboard of {db} on http://127.0.0.1:{port} (Ctrl+C stops it)")
    env = {**os.environ, "LOYALTY_PUBLISHED_PATH": str(db.resolve())}
    command = [
        sys.executable, "-m", "streamlit", "run", str(app_file),
        "--server.address", "127.0.0.1", "--server.port", str(port),
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none", "--global.developmentMode", "false",
        "--client.toolbarMode", "viewer",
    ]  # fmt: skip
    # this process becomes Streamlit: stopping it stops the server, with no orphan
    os.execve(sys.executable, command, env)


@app.command("compare-engines")
def compare_engines(
    db: Path = typer.Option(
        Path("warehouse.duckdb"), envvar="LOYALTY_DB_PATH", help="DuckDB warehouse."
    ),
    target: str = typer.Option("spark", help="The Spark session target of profiles.yml."),
    project_dir: Path = typer.Option(
        Path("."), help="The dbt project whose profile has the target (a root project's)."
    ),
) -> None:
    """Compare the Spark build with a DuckDB build of the same raw data.

    Compare every table of `marts` and `quarantine` built on Spark with the DuckDB
    warehouse built from the same raw data: tables, columns, counts and every value
    (floating-point numbers within 1e-9 relative, 1e-6 in the CLV tables). One line per
    table; exits 1 if any differs."""
    from loyalty_warehouse.engines import compare, report, spark_tables
    from loyalty_warehouse.spark_session import DbtArgs, start

    if not db.exists():
        console.print(f"[red]No warehouse at {db}: build it with dbt first.")
        raise typer.Exit(2)
    results = compare(db, spark_tables(start(DbtArgs(target=target, project_dir=project_dir))))
    typer.echo(report(results))
    different = [r for r in results if not r.equal]
    console.print(f"{len(results) - len(different)} tables equal, {len(different)} different")
    if different:
        raise typer.Exit(1)


@app.command("clv-fit")
def clv_fit(
    db: Path = typer.Option(
        Path("warehouse.duckdb"), envvar="LOYALTY_DB_PATH", help="Warehouse built by dbt."
    ),
    repeat: int = typer.Option(3, min=1, help="Fit this many times; report the median."),
) -> None:
    """Refit the CLV models on the warehouse and time the fit.

    Refit BG/NBD and Gamma-Gamma on the warehouse's int_clv_customer_summary and
    print the parameters and the median fit time (what clv_model_params does)."""
    import statistics

    import duckdb
    from rich.table import Table

    from loyalty_warehouse.clv_tables import PARAMS_INPUT_COLUMNS, model_params

    # the columns clv_model_params reads, as Arrow, as the dbt model gets them
    with duckdb.connect(str(db), read_only=True) as con:
        summary = con.sql(
            f"select {', '.join(PARAMS_INPUT_COLUMNS)} from intermediate.int_clv_customer_summary"
        ).fetch_arrow_table()
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
        help="dev (DuckDB), or spark: one full build on DuckDB and on Spark, then a "
        "one-day Spark build compared with DuckDB (bench_spark.json).",
    ),
    one_day: bool = typer.Option(
        True, "--one-day/--no-one-day", help="With --target spark: also the one-day build."
    ),
    sizes: str = typer.Option(
        "",
        help="Comma-separated sizes (e.g. 10000,100000,1000000) measured in one session "
        "instead of --customers: one table row each, WORKDIR/bench_sizes.json; above "
        "1,000,000 one export order and no comparison build.",
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
    from rich.table import Table

    from loyalty_warehouse.bench import run, run_sizes, run_spark, sizes_table

    def progress(message: str) -> None:
        console.print(f"[dim]{message}")

    if sizes:
        try:
            counts = [int(size.replace("_", "")) for size in sizes.split(",")]
        except ValueError:
            console.print(f"[red]--sizes must be whole numbers separated by commas, not {sizes!r}")
            raise typer.Exit(2) from None
        out = run_sizes(counts, repeat, workdir, progress=progress)
        console.print(f"{out['machine']}; median of {repeat}")
        typer.echo(sizes_table(out))
        return
    if target == "spark":
        result = run_spark(customers, workdir, progress=progress, one_day=one_day)
        repeat = 1
    else:
        result = run(customers, repeat, workdir, progress=progress)
    table = Table(title=f"{customers:,} customers; {result['machine']}; median of {repeat}")
    for column in ("step", "median s", "runs (s)", "peak MB", "note"):
        table.add_column(column)
    for step in result["steps"].values():
        runs = ", ".join(f"{s:.2f}" for s in step["seconds"])
        median = f"{step['median']:.2f}" if step["median"] is not None else "-"
        peak = f"{step['peak_mb']:.0f}" if step["peak_mb"] else "-"
        table.add_row(step["name"], median, runs, peak, step["note"])
    Console().print(table)
    for build, nodes in result["slowest_nodes"].items():
        slow = Table(title=f"ten slowest nodes of the last {build.replace('_', ' ')}")
        slow.add_column("seconds")
        slow.add_column("node")
        for node in nodes:
            slow.add_row(f"{node['seconds']:.2f}", node["node"])
        Console().print(slow)
    for name, value in result["ratios"].items():
        Console().print(f"{name}: {value:.2f}x" if value else f"{name}: -")


if __name__ == "__main__":
    app()
