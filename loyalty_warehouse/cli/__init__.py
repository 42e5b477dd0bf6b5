"""The `loyalty` command: the Python tools around the dbt project, one module per
group of commands (data.py, build.py, read.py, tools.py, spark.py), and summary.py, the
lines that end a build."""

from __future__ import annotations

import typer
from rich.console import Console

app = typer.Typer(
    help="loyalty-warehouse: generate demo data, build (DuckDB or Spark), validate and "
    "query the warehouse, open its dashboard, compare engines, refit the CLV models, "
    "benchmark. `loyalty COMMAND --help` says more.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(stderr=True)


@app.callback()
def main() -> None:
    """loyalty-warehouse: the Python tools around the dbt project."""


# the commands, in the order `loyalty --help` lists them
from loyalty_warehouse.cli import data, build, read, tools, spark  # noqa: E402, F401, I001
