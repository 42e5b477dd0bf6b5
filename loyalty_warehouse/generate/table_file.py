"""One raw file written group by group (CSV or Parquet), with its dirty rows spoiled
on the way and the manifest of what was spoiled (dirty_manifest.csv)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from loyalty_warehouse.contract import RAW_TABLES

from . import dirty_rows, tables
from .parameters import GeneratorConfig

# numbers that identify each random stream of dirty rows, per table
TABLE_NUMBERS = {name: i + 1 for i, name in enumerate(RAW_TABLES)}


class Manifest:
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


class TableFile:
    """One raw file written group by group; dirty rows spoiled on the way and
    duplicates appended at the end."""

    def __init__(self, cfg: GeneratorConfig, out: Path, name: str, manifest: Manifest):
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

    def write(self, table: pa.Table, group: int, **context) -> None:
        """Write a group of rows; ``context`` is what ``dirty_rows.corrupt`` must know
        of them (which rows may be spoiled)."""
        malformed: list[int] = []
        if self.dirty:
            rng = np.random.default_rng([self.cfg.seed, TABLE_NUMBERS[self.name], group])
            spoiled = dirty_rows.corrupt(
                self.name, table, self.rows + 1, self.cfg.dirty_rate, rng, self.csv, **context
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
                self.fh.write((dirty_rows.malformed_line(self.name, row) + "\n").encode())
            start = i + 1

    def __exit__(self, *exc) -> None:
        if self.duplicates and exc[0] is None:
            rows = [dirty_rows.conflicting(self.name, r, j) for j, r in enumerate(self.duplicates)]
            self.manifest.add(
                (self.name, self.rows + j + 1, dirty_rows.record_id(self.name, r), "duplicate_id")
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
