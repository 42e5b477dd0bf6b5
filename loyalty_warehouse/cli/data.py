"""`loyalty generate`: the demo data."""

from __future__ import annotations

import time
from datetime import date
from enum import Enum
from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from loyalty_warehouse.cli import app, console


class FileFormat(str, Enum):
    parquet = "parquet"
    csv = "csv"


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
        max=0.08,
        help="Inject every quarantine reason into about this share of each table's rows "
        "(malformed rows in CSV only) and write dirty_manifest.csv listing them; up to "
        "1/12 (a row takes one reason, and orders have eleven more).",
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
    """Write a demo data set: customers, orders, survey answers, referral offers, refunds, rates.

    Purchases follow a BG/NBD process with known parameters per acquisition channel
    and spend follows Gamma-Gamma; both are written to truth.json beside the data so
    the fitted models can be checked against them. Customers pay in their country's
    currency, about 10% of orders are refunded in part, and the shop's day is New
    York's (docs/demo-data.md). Streams in chunks: ten million
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
        f"{counts['referral_offers']:,} referral offers, {counts['refunds']:,} refunds, "
        f"{counts['exchange_rates']:,} exchange rates"
    )
    if written.manifest:
        console.print(f"dirty: injected {len(written.manifest):,} problems (dirty_manifest.csv)")
