"""`loyalty query` and `loyalty dashboard`: what BI reads, the published snapshot."""

from __future__ import annotations

from pathlib import Path

import typer

from loyalty_warehouse import paths
from loyalty_warehouse.cli import app, console


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

    db = db or (paths.warehouse_path() if working else paths.published_path())
    if not db.exists():
        console.print(f"[red]No warehouse at {db}: run `make build` first.")
        raise typer.Exit(2)
    with duckdb.connect(str(db), read_only=True) as con:
        try:
            con.sql(sql).show(max_rows=rows, max_width=200)
        except duckdb.CatalogException as error:
            typer.echo(_missing_table(error, db, working), err=True)
            raise typer.Exit(1) from None
        except duckdb.Error as error:
            typer.echo(str(error).splitlines()[0], err=True)
            raise typer.Exit(1) from None


def _missing_table(error: Exception, db: Path, working: bool) -> str:
    """A table the query names is not in the file: the published snapshot holds the
    marts alone, so a table of the working warehouse is named with --working."""
    import re

    first = str(error).splitlines()[0]
    if working or not re.search(r"Table with name .* does not exist", first):
        return first
    return (
        f"{first}: {db} is the published snapshot BI reads, which holds the marts alone; "
        "staging, intermediate and quarantine are in the working warehouse: run "
        '`loyalty query --working "..."`'
    )


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

    db = db or paths.published_path()
    app_file = Path(__file__).parents[1] / "dashboard" / "app.py"
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
