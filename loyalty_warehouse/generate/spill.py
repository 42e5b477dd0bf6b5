"""Events set aside on disk between the two passes (``files.py``): one Arrow IPC
stream per table and time bucket of BUCKET_DAYS days."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa

from . import tables

BUCKET_DAYS = 31


class Spill:
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
