"""`loyalty build`, `publish` and `validate`: the write-audit-publish of a build."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from loyalty_warehouse import paths
from loyalty_warehouse import publish as publishing
from loyalty_warehouse.cli import app, console
from loyalty_warehouse.cli.summary import text as summary_text


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

    from loyalty_warehouse.spark import session as spark_session

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

    os.environ.setdefault("LOYALTY_PROJECT_COMMIT", publishing.project_commit(Path.cwd()))
    if _spark_session_target(ctx.args):
        from dbt.cli.main import dbtRunner

        from loyalty_warehouse.spark.session import DbtArgs, start

        start(DbtArgs.parse(ctx.args))
        result = dbtRunner().invoke(["build", *ctx.args])
        raise typer.Exit(0 if result.success else 1)

    db = paths.warehouse_path()
    published = paths.published_path(db)
    running = _take_build_lock(db)
    if running:
        typer.echo(
            f"Another build ({running}) is running on {db}: wait for it to finish and run "
            f"again; BI tools read the published snapshot {published} meanwhile.",
            err=True,
        )
        raise typer.Exit(1)
    holder = _lock_holder(db)
    if holder:
        typer.echo(
            f"The warehouse {db} is in use by another process ({holder}): close that "
            "connection (a DuckDB CLI or notebook) and run again; BI tools read the "
            f"published snapshot {published} instead.",
            err=True,
        )
        raise typer.Exit(1)
    dbt = Path(sys.executable).with_name("dbt")
    code = subprocess.call([str(dbt), "build", *ctx.args])
    if code:
        _left_unpublished(published, "the dbt build failed")
        raise typer.Exit(code if code > 0 else 1)
    import duckdb

    try:
        failed = None
        if run_validation:
            try:
                docs = Path(os.environ.get("DBT_TARGET_PATH", "target")) / "gx"
                validate(db=db, docs=docs, quarantine_error_share=None)
            except typer.Exit as error:
                failed = error
        typer.echo(summary_text(db))
        if failed:
            _left_unpublished(published, "validation failed")
            raise failed
        if not publish:
            return
        problem = publishing.audit(db, published)
        if problem:
            _left_unpublished(published, problem)
            raise typer.Exit(1)
        done = publishing.publish_duckdb(db, published)
    except (OSError, duckdb.Error) as error:
        _left_unpublished(published, _why(error))
        raise typer.Exit(1) from None
    typer.echo(f"\nPublished {done.path.resolve()} for BI ({len(done.tables)} tables of "
               f"marts in {done.seconds:.1f} s)")  # fmt: skip
    if postgres:
        _publish_postgres(done.path, postgres)


def _take_build_lock(db: Path) -> str | None:
    """Hold the build lock of the warehouse db until this process exits (its file
    `<db>.lock`, locked with flock: the lock goes with the process however it ends, a
    kill -9 included). None when taken; else the build that holds it, with its pid."""
    import fcntl
    import os

    lock = db.with_name(db.name + ".lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    handle = open(lock, "a+")  # noqa: SIM115 (held open until the process exits)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip()
        handle.close()
        return holder or "a process whose pid is not known yet"
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()}, started {time.strftime('%Y-%m-%d %H:%M:%S')}")
    handle.flush()
    _HELD_LOCKS.append(handle)
    return None


_HELD_LOCKS: list = []  # the build locks this process holds, open until it exits


def _why(error: BaseException) -> str:
    """An error as the few words of a one-line message."""
    import errno
    import re

    text = str(error)
    if getattr(error, "errno", None) == errno.ENOSPC or "No space left on device" in text:
        return "no space left on device"
    if getattr(error, "errno", None) == errno.EFBIG or "File too large" in text:
        return "a file grew past the size this process may write (file too large)"
    if "lock" in text.lower():
        pid = re.search(r"PID (\d+)", text)
        holder = f"PID {pid.group(1)}" if pid else "another process"
        return f"the warehouse is in use by another process ({holder}): close it and build again"
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__


def _left_unpublished(published: Path, why: str) -> None:
    held = publishing.snapshot(published)
    if held:
        typer.echo(f"Not published ({why}): BI still reads {held.line()}.", err=True)
    else:
        typer.echo(f"Not published ({why}): there is no published snapshot yet.", err=True)


def _publish_postgres(snapshot_path: Path, url: str) -> None:
    from loyalty_warehouse.publish.postgres import PublishError, publish_postgres

    try:
        done = publish_postgres(snapshot_path, url)
    except PublishError as error:
        typer.echo(f"Not published to PostgreSQL ({error}).", err=True)
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
    import duckdb

    try:
        problem = publishing.audit(db, published)
        if problem:
            _left_unpublished(published, problem)
            raise typer.Exit(1)
        done = publishing.publish_duckdb(db, published)
    except (OSError, duckdb.Error) as error:
        _left_unpublished(published, _why(error))
        raise typer.Exit(1) from None
    typer.echo(f"Published {done.path.resolve()} ({len(done.tables)} tables of marts in "
               f"{done.seconds:.1f} s)")  # fmt: skip
    if postgres:
        _publish_postgres(done.path, postgres)


@app.command()
def validate(
    db: Path = typer.Option(
        Path(paths.DEFAULT_WAREHOUSE), envvar="LOYALTY_DB_PATH", help="Warehouse built by dbt."
    ),
    docs: Path = typer.Option(
        Path("target/gx"), help="GX project folder (named gx) holding the Data Docs."
    ),
    quarantine_error_share: float = typer.Option(
        None,
        help="Largest share of a raw table's rows allowed in quarantine (default: the "
        "var quarantine_error_share of dbt_project.yml).",
        show_default=False,
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
