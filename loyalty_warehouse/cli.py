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
    help="loyalty-warehouse tools: generate demo raw data (and more as the project grows).",
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
        max=0.2,
        help="Inject every quarantine reason into about this share of each table's rows "
        "and write dirty_manifest.csv listing them.",
    ),
    end_date: str = typer.Option(
        "2025-12-31", help="Last day of the data (ISO date); the data covers three years."
    ),
) -> None:
    """Write a demo data set: customers, orders, survey_responses, referral_offers.

    Purchases follow a BG/NBD process with known parameters per acquisition channel
    and spend follows Gamma-Gamma; both are written to truth.json beside the data so
    the fitted models can be checked against them.
    """
    from loyalty_warehouse.generate import GeneratorConfig, write
    from loyalty_warehouse.generate import generate as run

    cfg = GeneratorConfig(
        customers=customers,
        seed=seed,
        end_date=date.fromisoformat(end_date),
        dirty_rate=dirty,
        file_format=file_format.value,
    )
    started = time.perf_counter()
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        # one step per stage the generator reports, plus writing the files
        task = progress.add_task("generating", total=7 if dirty else 6)

        def step(name: str) -> None:
            progress.update(task, description=name)
            progress.advance(task)

        data = run(cfg, step)
        step("writing files")
        paths = write(data, out, cfg.file_format)
        progress.update(task, description="done")
    counts = data.truth["counts"]
    console.print(
        f"wrote {', '.join(p.name for p in paths)} to {out} in "
        f"{time.perf_counter() - started:.1f} s: {counts['customers']:,} customers, "
        f"{counts['orders']:,} orders, {counts['survey_responses']:,} survey responses, "
        f"{counts['referral_offers']:,} referral offers"
    )
    if data.manifest:
        console.print(f"dirty: injected {len(data.manifest):,} problems (dirty_manifest.csv)")


if __name__ == "__main__":
    app()
