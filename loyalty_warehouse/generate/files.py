"""Writing a data set of any size in bounded memory.

Two passes. First, blocks of customers are simulated a chunk at a time; each
customer's few facts stay in memory (about 20 bytes each), while their orders,
answers and offers are set aside on disk in time buckets of BUCKET_DAYS (Arrow IPC
files in a scratch folder beside the output). Second, customers are numbered in
sign-up order and written, then each bucket is read back, sorted by time and written
with its ids: the files are sorted by time, as an export appended to over the years.

Only one chunk of simulated blocks and one bucket of events are in memory at a
time, so memory depends on the chunk size and the busiest month, not on the data
set; the output for a seed is the same whatever the chunk size.
"""

from __future__ import annotations

import csv
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
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from loyalty_warehouse.contract import RAW_TABLES

from . import dirty, tables
from .block import Block, simulate_block
from .parameters import BLOCK_CUSTOMERS, GeneratorConfig
from .purchases import SeasonalClock
from .truth import truth

BUCKET_DAYS = 31
THREADS = 2
CUSTOMER_ROWS_PER_GROUP = 1_000_000
# numbers that identify each random stream of dirty rows, per table
TABLE_NUMBERS = {name: i + 1 for i, name in enumerate(RAW_TABLES)}

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
    """Write ``<table>.parquet`` (or ``.csv``) for the four raw tables, ``truth.json``
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
        people, counts, spill = _simulate(cfg, scratch, progress)
        return _write(cfg, out, spill, people, counts, progress)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


# ------------------------------------------------------------------ pass 1


def _simulate(cfg: GeneratorConfig, scratch: Path, progress: Progress):
    clock = SeasonalClock(cfg.days, cfg.seasonality, cfg.season_peak)
    n_blocks = math.ceil(cfg.customers / BLOCK_CUSTOMERS)
    per_chunk = max(1, math.ceil(cfg.chunk_customers / BLOCK_CUSTOMERS))
    n_buckets = math.ceil(cfg.days / BUCKET_DAYS)
    spill = _Spill(scratch, n_buckets)
    parts: list[dict[str, np.ndarray]] = []
    counts = {"purchasers": 0, "transactions": 0, "referred_customers": 0}

    def simulate(number: int) -> tuple[int, Block]:
        start = number * BLOCK_CUSTOMERS
        size = min(BLOCK_CUSTOMERS, cfg.customers - start)
        return start, simulate_block(cfg, clock, number, size)

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


class _Spill:
    """Events set aside on disk, one Arrow IPC stream per table and time bucket."""

    def __init__(self, folder: Path, buckets: int):
        self.folder, self.buckets = folder, buckets
        self.writers: dict[tuple[str, int], pa.ipc.RecordBatchStreamWriter] = {}
        self.rows: dict[str, int] = dict.fromkeys(tables.EVENT_TABLES, 0)
        self.bucket_rows = {t: [0] * buckets for t in tables.EVENT_TABLES}

    def path(self, table: str, bucket: int) -> Path:
        return self.folder / f"{table}-{bucket:03d}.arrow"

    def add(self, table: str, events: dict[str, np.ndarray], time_column: str) -> None:
        batch = pa.record_batch({k: pa.array(v) for k, v in events.items()})
        bucket = np.minimum(events[time_column] // BUCKET_DAYS, self.buckets - 1).astype(int)
        order = np.argsort(bucket, kind="stable")
        edges = np.searchsorted(bucket[order], np.arange(self.buckets + 1))
        for b in range(self.buckets):
            if edges[b] == edges[b + 1]:
                continue
            part = batch.take(pa.array(order[edges[b] : edges[b + 1]]))
            key = (table, b)
            if key not in self.writers:
                self.writers[key] = pa.ipc.new_stream(self.path(table, b), batch.schema)
            self.writers[key].write_batch(part)
            self.bucket_rows[table][b] += part.num_rows
        self.rows[table] += batch.num_rows

    def close(self) -> None:
        for writer in self.writers.values():
            writer.close()

    def read(self, table: str, bucket: int) -> dict[str, np.ndarray]:
        with pa.ipc.open_stream(self.path(table, bucket)) as reader:
            t = reader.read_all()
        return {c: t[c].to_numpy() for c in t.column_names}


# ------------------------------------------------------------------ pass 2


def _write(cfg, out, spill, people, counts, progress) -> Written:
    order = np.argsort(people["signup"], kind="stable")
    rank = np.empty(order.size, dtype=np.int64)
    rank[order] = np.arange(order.size)
    cust_width = tables.id_width(order.size)
    manifest_path = out / "dirty_manifest.csv"
    manifest = _Manifest(manifest_path if cfg.dirty_rate > 0 else None)
    paths = []

    with _TableFile(cfg, out, "customers", manifest) as f:
        for group, lo in enumerate(range(0, order.size, CUSTOMER_ROWS_PER_GROUP)):
            rows = order[lo : lo + CUSTOMER_ROWS_PER_GROUP]
            part = {k: v[rows] for k, v in people.items()}
            table = tables.customers(cfg.start_date, lo + 1, cust_width, rank, part)
            f.write(table, group, eligible=~part["referenced"])
            progress("writing customers", lo + rows.size, order.size)
        paths.append(f.path)

    def bucket_table(name: str, bucket: int, first_number: int) -> pa.Table:
        events = spill.read(name, bucket)
        time = events[tables.SORT_TIME[name]]
        if name == "orders":  # same second: the earlier customer first
            sort = np.lexsort((rank[events["owner"]], time))
        else:
            sort = np.argsort(time, kind="stable")
        events = {k: v[sort] for k, v in events.items()}
        width = tables.id_width(counts[name])
        return tables.EVENT_TABLES[name](
            cfg.start_date, first_number, width, (rank, cust_width), events
        )

    # the next bucket is read, sorted and built while this one is written
    with ThreadPoolExecutor(max_workers=1) as builder:
        for name in tables.EVENT_TABLES:
            sizes = spill.bucket_rows[name]
            buckets = [b for b in range(spill.buckets) if sizes[b]]
            before = np.cumsum([0] + [sizes[b] for b in buckets])[:-1]
            firsts = dict(zip(buckets, (before + 1).tolist(), strict=True))
            with _TableFile(cfg, out, name, manifest) as f:
                pending = builder.submit(bucket_table, name, buckets[0], firsts[buckets[0]])
                for i, bucket in enumerate(buckets):
                    table = pending.result()
                    if i + 1 < len(buckets):
                        after = buckets[i + 1]
                        pending = builder.submit(bucket_table, name, after, firsts[after])
                    f.write(table, bucket)
                    progress(f"writing {name}", f.rows, counts[name])
                paths.append(f.path)
    manifest.close()
    if manifest.rows:
        paths.append(manifest_path)

    facts = truth(cfg, counts)
    if manifest.rows:
        facts["dirty_counts"] = manifest.counts()
    (out / "truth.json").write_text(json.dumps(facts, indent=2) + "\n")
    return Written(paths, facts, manifest.rows)


class _Manifest:
    """dirty_manifest.csv: one line per injected problem (table, row, id, reason)."""

    def __init__(self, path: Path | None):
        self.rows: list[tuple[str, int, str | None, str]] = []
        self.fh = path.open("w", newline="") if path else None
        if self.fh:
            self.writer = csv.writer(self.fh)
            self.writer.writerow(["table", "row_number", "record_id", "reason"])

    def add(self, rows) -> None:
        rows = list(rows)
        self.rows.extend(rows)
        if self.fh:
            self.writer.writerows(rows)

    def counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for table, _, _, reason in self.rows:
            out.setdefault(table, {}).setdefault(reason, 0)
            out[table][reason] += 1
        return out

    def close(self) -> None:
        if self.fh:
            self.fh.close()


class _TableFile:
    """One raw file written group by group; dirty rows spoiled on the way and
    duplicates appended at the end."""

    def __init__(self, cfg: GeneratorConfig, out: Path, name: str, manifest: _Manifest):
        self.cfg, self.name, self.manifest = cfg, name, manifest
        self.csv = cfg.file_format == "csv"
        self.dirty = cfg.dirty_rate > 0
        self.path = out / f"{name}.{cfg.file_format}"
        self.schema = tables.schema(name, text=self.dirty)
        self.rows = 0
        self.duplicates: list[dict[str, str | None]] = []

    def __enter__(self):
        if self.csv:
            self.fh = self.path.open("wb")
            pacsv.write_csv(self.schema.empty_table(), self.fh)  # the header line
        else:
            self.writer = pq.ParquetWriter(
                self.path,
                self.schema,
                compression="zstd",
                use_dictionary=[c for c in tables.DICTIONARY_COLUMNS if c in self.schema.names],
            )
        return self

    def write(self, table: pa.Table, group: int, eligible: np.ndarray | None = None) -> None:
        malformed: list[int] = []
        if self.dirty:
            rng = np.random.default_rng([self.cfg.seed, TABLE_NUMBERS[self.name], group])
            spoiled = dirty.corrupt(
                self.name, table, self.rows + 1, self.cfg.dirty_rate, rng, self.csv, eligible
            )
            table = pa.table(
                {c: pa.array(v, pa.string()) for c, v in spoiled.columns.items()},
                schema=self.schema,
            )
            malformed = spoiled.malformed
            self.manifest.add(spoiled.manifest)
            self.duplicates.extend(spoiled.duplicates)
        self._emit(table, malformed)
        self.rows += table.num_rows

    def _emit(self, table: pa.Table, malformed: list[int]) -> None:
        if not self.csv:
            self.writer.write_table(table)
            return
        options = pacsv.WriteOptions(include_header=False)
        start = 0
        for i in [*malformed, table.num_rows]:
            if i > start:
                pacsv.write_csv(table.slice(start, i - start), self.fh, options)
            if i < table.num_rows:
                row = {c: table[c][i].as_py() for c in table.column_names}
                self.fh.write((dirty.malformed_line(self.name, row) + "\n").encode())
            start = i + 1

    def __exit__(self, *exc) -> None:
        if self.duplicates and exc[0] is None:
            rows = [dirty.conflicting(self.name, r, j) for j, r in enumerate(self.duplicates)]
            id_column = RAW_TABLES[self.name].id_column
            self.manifest.add(
                (self.name, self.rows + j + 1, r[id_column], "duplicate_id")
                for j, r in enumerate(rows)
            )
            table = pa.table(
                {c: pa.array([r[c] for r in rows], pa.string()) for c in self.schema.names},
                schema=self.schema,
            )
            self._emit(table, [])
            self.rows += table.num_rows
        if self.csv:
            self.fh.close()
        else:
            self.writer.close()
