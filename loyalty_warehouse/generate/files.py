"""Writing a data set of any size in bounded memory.

Two passes. First, blocks of customers are simulated a chunk at a time; each
customer's few facts stay in memory (about 20 bytes each), while their orders,
answers, offers and refunds are set aside on disk in time buckets of BUCKET_DAYS
(Arrow IPC files in a scratch folder beside the output, ``spill.py``). Second,
customers are numbered in sign-up order and written, then each bucket is read back,
sorted by time and written with its ids: the files are sorted by time, as an export
appended to over the years. The refunds name their orders by the numbers the orders
got (kept for the refunded orders only); the exchange rates, drawn from the seed
alone before the customers, come last.

Only one chunk of simulated blocks and one bucket of events are in memory at a
time, so memory depends on the chunk size and the busiest month, not on the data
set; the output for a seed is the same whatever the chunk size.
"""

from __future__ import annotations

import json
import math
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from loyalty_warehouse.contract import RAW_TABLES

from . import dirty, money, tables
from .block import Block, simulate_block
from .parameters import BLOCK_CUSTOMERS, CURRENCIES, GeneratorConfig
from .purchases import SeasonalClock
from .refunds import OrderNumbers
from .spill import BUCKET_DAYS, Spill
from .table_file import Manifest, TableFile
from .truth import truth

THREADS = 2
CUSTOMER_ROWS_PER_GROUP = 1_000_000

# progress: what is being done, how much of it is done, out of how much
Progress = Callable[[str, int, int], None]


def _quiet(stage: str, done: int, total: int) -> None:
    return None


@dataclass
class Written:
    paths: list[Path]
    truth: dict
    manifest: list[tuple[str, int, str | None, str]] = field(default_factory=list)


def write_raw(cfg: GeneratorConfig, out: Path, progress: Progress = _quiet) -> Written:
    """Write ``<table>.parquet`` (or ``.csv``) for every raw table, ``truth.json``
    and, for dirty data, ``dirty_manifest.csv``; files of the other format are removed
    so the folder holds one copy of each table."""
    if cfg.file_format not in ("parquet", "csv"):
        raise ValueError(f"format must be parquet or csv, not {cfg.file_format!r}")
    limit = dirty.max_rate(cfg.file_format == "csv")
    if not 0 <= cfg.dirty_rate <= limit:
        raise ValueError(f"dirty rate must be between 0 and {limit:.3f}, not {cfg.dirty_rate}")
    out.mkdir(parents=True, exist_ok=True)
    other = "csv" if cfg.file_format == "parquet" else "parquet"
    for name in RAW_TABLES:
        (out / f"{name}.{other}").unlink(missing_ok=True)
    (out / "dirty_manifest.csv").unlink(missing_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".generating-", dir=out))
    try:
        rates = money.exchange_rates(cfg)
        people, counts, spill = _simulate(cfg, rates, scratch, progress)
        return _write(cfg, out, spill, people, counts, rates, progress)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


# ------------------------------------------------------------------ pass 1


def _simulate(cfg: GeneratorConfig, rates: money.Rates, scratch: Path, progress: Progress):
    clock = SeasonalClock(cfg.days, cfg.seasonality, cfg.season_peak)
    n_blocks = math.ceil(cfg.customers / BLOCK_CUSTOMERS)
    per_chunk = max(1, math.ceil(cfg.chunk_customers / BLOCK_CUSTOMERS))
    n_buckets = math.ceil(cfg.days / BUCKET_DAYS)
    spill = Spill(scratch, n_buckets)
    parts: list[dict[str, np.ndarray]] = []
    counts = {"purchasers": 0, "transactions": 0, "referred_customers": 0, "revenue_cents": 0}

    def simulate(number: int) -> tuple[int, Block]:
        start = number * BLOCK_CUSTOMERS
        size = min(BLOCK_CUSTOMERS, cfg.customers - start)
        return start, simulate_block(cfg, clock, rates, number, size)

    # numpy releases the GIL in its heavy loops: two threads keep two cores busy
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        for first in range(0, n_blocks, per_chunk):
            chunk = list(pool.map(simulate, range(first, min(first + per_chunk, n_blocks))))
            done = chunk[-1][0] + chunk[-1][1].signup.size
            progress("simulating customers", done, cfg.customers)
            _set_aside(chunk, parts, counts, spill)
    spill.close()
    people = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    counts = {"customers": cfg.customers, **counts, **spill.rows}
    return people, counts, spill


def _set_aside(chunk, parts, counts, spill) -> None:
    """Keep the chunk's customers in memory; put their events on disk."""
    for start, block in chunk:
        parts.append(_people(start, block))
        counts["purchasers"] += int(block.purchaser.sum())
        counts["transactions"] += block.transactions
        counts["referred_customers"] += int((block.referrer >= 0).sum())
        counts["revenue_cents"] += block.revenue_cents
    for table in tables.EVENT_TABLES:
        events = _concat([_global_owner(start, block.events(table)) for start, block in chunk])
        spill.add(table, events, tables.SORT_TIME[table])


def _people(start: int, block: Block) -> dict[str, np.ndarray]:
    n = block.signup.size
    referenced = np.zeros(n, bool)
    for events in (block.orders, block.surveys, block.offers):
        referenced[events["owner"]] = True
    referenced[block.referrer[block.referrer >= 0]] = True
    return {
        "signup": block.signup,
        "channel": block.channel.astype(np.int8),
        "country": block.country.astype(np.int8),
        "has_email": block.has_email,
        "referrer": np.where(block.referrer >= 0, block.referrer + start, -1),
        "referenced": referenced,
    }


def _global_owner(start: int, events: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {**events, "owner": events["owner"] + start}


def _concat(parts: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


# ------------------------------------------------------------------ pass 2


def _write(cfg, out, spill, people, counts, rates, progress) -> Written:
    order = np.argsort(people["signup"], kind="stable")
    rank = np.empty(order.size, dtype=np.int64)
    rank[order] = np.arange(order.size)
    refs = tables.Refs(rank, tables.id_width(order.size), tables.id_width(counts["orders"]))
    manifest_path = out / "dirty_manifest.csv"
    manifest = Manifest(manifest_path if cfg.dirty_rate > 0 else None)
    paths = []

    with TableFile(cfg, out, "customers", manifest) as f:
        for group, lo in enumerate(range(0, order.size, CUSTOMER_ROWS_PER_GROUP)):
            rows = order[lo : lo + CUSTOMER_ROWS_PER_GROUP]
            part = {k: v[rows] for k, v in people.items()}
            table = tables.customers(cfg.start_date, lo + 1, refs.customer_width, rank, part)
            f.write(table, group, eligible=~part["referenced"])
            progress("writing customers", lo + rows.size, order.size)
        paths.append(f.path)

    order_numbers = OrderNumbers()

    def bucket_table(name: str, bucket: int, first_number: int) -> tuple[pa.Table, dict]:
        events = spill.read(name, bucket)
        time = events[tables.SORT_TIME[name]]
        if name == "orders":  # same second: the earlier customer first
            sort = np.lexsort((rank[events["owner"]], time))
        else:
            sort = np.argsort(time, kind="stable")
        events = {k: v[sort] for k, v in events.items()}
        if name == "orders":
            order_numbers.add(events, first_number)
        elif name == "refunds":  # the orders are all written by now
            events["order_number"] = order_numbers.lookup(events["order_key"])
        width = tables.id_width(counts[name])
        table = tables.EVENT_TABLES[name](cfg.start_date, first_number, width, refs, events)
        return table, tables.dirty_context(name, events)

    # the next bucket is read, sorted and built while this one is written
    with ThreadPoolExecutor(max_workers=1) as builder:
        for name in tables.EVENT_TABLES:
            sizes = spill.bucket_rows[name]
            buckets = [b for b in range(spill.buckets) if sizes[b]]
            before = np.cumsum([0] + [sizes[b] for b in buckets])[:-1]
            firsts = dict(zip(buckets, (before + 1).tolist(), strict=True))
            with TableFile(cfg, out, name, manifest) as f:
                if buckets:
                    pending = builder.submit(bucket_table, name, buckets[0], firsts[buckets[0]])
                for i, bucket in enumerate(buckets):
                    table, context = pending.result()
                    if i + 1 < len(buckets):
                        after = buckets[i + 1]
                        pending = builder.submit(bucket_table, name, after, firsts[after])
                    f.write(table, bucket, **context)
                    progress(f"writing {name}", f.rows, counts[name])
                paths.append(f.path)

    with TableFile(cfg, out, "exchange_rates", manifest) as f:
        table = tables.exchange_rates(cfg.start_date, rates)
        # the first day stays intact: orders on it have no earlier rate to fall back on
        f.write(table, 0, eligible=np.arange(table.num_rows) >= len(CURRENCIES) - 1)
        counts["exchange_rates"] = table.num_rows
        paths.append(f.path)
    manifest.close()
    if manifest.rows:
        paths.append(manifest_path)

    revenue_cents = counts.pop("revenue_cents")
    facts = truth(cfg, counts, revenue_cents / 100)
    if manifest.rows:
        facts["dirty_counts"] = manifest.counts()
    (out / "truth.json").write_text(json.dumps(facts, indent=2) + "\n")
    return Written(paths, facts, manifest.rows)
