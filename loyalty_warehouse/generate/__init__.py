"""Demo data generator (docs/demo-data.md).

Writes every raw table of the contract (docs/raw-data.md) for a shop whose
customers behave as the BTYD models assume, so every mart has a story to tell and the
fitted models can be checked against the truth (written to ``truth.json``):

- sign-ups grow over three years, with a peak every December;
- about a third of sign-ups never buy (prospects);
- purchasers make repeat purchases as a BG/NBD process (Fader, Hardie and Lee 2005)
  with known parameters per acquisition channel, in weeks of "operational time": the
  calendar is warped by a yearly season, so purchases also peak in December while the
  process itself stays exactly BG/NBD;
- each transaction's revenue follows the Gamma-Gamma model (known p, q, gamma), in
  US dollars; some transactions are split into two orders on one day, and some
  orders are cancelled, refunded or (in the last days) pending, on top of the process;
- the shop keeps its day in America/New_York and reports in USD: a customer pays in
  their country's currency, each order converted at the rate of its New York day
  from a daily rate table (``exchange_rates``, a random walk per seed around real
  levels), and about 10% of completed orders are refunded in part (``refunds``);
- a latent satisfaction per customer drives both the survey answers and the dropout
  probability (through a Gaussian copula, so p stays exactly Beta(a, b) per channel):
  detractors churn more;
- repeat buyers are shown referral offers, satisfied customers share more, and some
  shares bring a friend who signs up with ``referred_by_customer_id``.

``--dirty RATE`` then corrupts each table with every quarantine reason it can have
(``malformed_row`` in CSV files only), each in about RATE of the rows (disjoint rows,
one reason each), and writes ``dirty_manifest.csv``: one line per injected problem,
naming the table, the row's 1-based position in the file, its id and the reason
staging must give.

Everything is vectorised with numpy, and streamed: customers are simulated in blocks
and written in time buckets (``files.py``), so ten million customers fit in a few GB.

The modules, in the order the data is made: ``parameters`` (every number of the
shop), ``money`` (the currencies, the rate table, the shop's day), ``purchases``
(sign-ups, BG/NBD, Gamma-Gamma, orders), ``surveys``, ``referrals``, ``refunds``,
``block`` (one block of customers from its own random stream), ``spill`` (events set
aside on disk), ``tables`` (the raw tables' rows and ids), ``dirty`` (one small
function per quarantine reason) and ``dirty_rows`` (which rows get which), ``files``
(the two passes that write the files) with ``table_file`` (one file), ``truth``;
then ``daily``, which splits an export into two consecutive days' exports (for the
daily-build tests and the bench).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from loyalty_warehouse.contract import RAW_TABLES

from .files import Progress, Written, write_raw
from .parameters import *  # noqa: F403 - the shop's parameters, for tests and docs
from .parameters import GeneratorConfig
from .purchases import SeasonalClock, beta_from_copula, simulate_bg_nbd

__all__ = [
    "GeneratedData",
    "GeneratorConfig",
    "Progress",
    "SeasonalClock",
    "Written",
    "beta_from_copula",
    "generate",
    "simulate_bg_nbd",
    "write_raw",
]


@dataclass
class GeneratedData:
    tables: dict[str, pa.Table]
    truth: dict
    manifest: list[tuple[str, int, str | None, str]] = field(default_factory=list)


def generate(cfg: GeneratorConfig) -> GeneratedData:
    """A small data set in memory (for tests and notebooks): ``write_raw`` into a
    scratch folder, read back. Dirty parquet holds every column as text."""
    with tempfile.TemporaryDirectory() as folder:
        written = write_raw(cfg, Path(folder))
        if cfg.file_format == "csv":
            raise ValueError("generate() reads parquet; write CSV files with write_raw()")
        tables = {name: pq.read_table(Path(folder) / f"{name}.parquet") for name in RAW_TABLES}
    return GeneratedData(tables, written.truth, written.manifest)
