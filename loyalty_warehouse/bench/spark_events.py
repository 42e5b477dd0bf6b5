"""Where a Spark build's time went, from the cluster's event log (one JSON event per
line, `events/` under the cluster's folder): jobs, stages and tasks run, the
executors' time in tasks beside the build's wall time (the rest is the driver's:
parsing, planning and code generation per query, and dbt's own work), and the bytes
read, shuffled and written.
"""

from __future__ import annotations

import json
from pathlib import Path


def summary(events_dir: Path, since_ms: float = 0, until_ms: float = float("inf")) -> dict:
    """Totals over the events of the cluster's applications between two instants
    (epoch milliseconds: one build's)."""
    totals = {
        "jobs": 0,
        "stages": 0,
        "tasks": 0,
        "task_seconds": 0.0,
        "executor_cpu_seconds": 0.0,
        "input_bytes": 0,
        "shuffle_write_bytes": 0,
        "shuffle_read_bytes": 0,
        "output_bytes": 0,
        "spilled_bytes": 0,
    }
    # an application's log is one file, or (rolling, Spark 4's default) a folder of
    # events_N_<app> files beside an appstatus marker
    for log in sorted(events_dir.rglob("*")):
        if not log.is_file() or log.name.startswith((".", "appstatus")) or log.suffix == ".crc":
            continue
        with _open(log) as fh:
            for line in fh:
                try:
                    event = json.loads(line)
                except json.JSONDecodeError:  # the last line of a log being written
                    continue
                kind = event.get("Event")
                if kind == "SparkListenerJobStart":
                    if since_ms <= event.get("Submission Time", 0) <= until_ms:
                        totals["jobs"] += 1
                elif kind == "SparkListenerStageCompleted":
                    info = event["Stage Info"]
                    if since_ms <= info.get("Completion Time", 0) <= until_ms:
                        totals["stages"] += 1
                elif kind == "SparkListenerTaskEnd":
                    info, metrics = event["Task Info"], event.get("Task Metrics") or {}
                    if not since_ms <= info.get("Finish Time", 0) <= until_ms:
                        continue
                    _add_task(totals, info, metrics)
    return totals


def _open(log: Path):
    """An event log as text lines: Spark compresses it with zstd by default."""
    if log.suffix != ".zstd" and log.suffix != ".zst":
        return log.open()
    import io

    import zstandard

    stream = zstandard.ZstdDecompressor().stream_reader(log.open("rb"), read_across_frames=True)
    return io.TextIOWrapper(stream, encoding="utf-8")


def _add_task(totals: dict, info: dict, metrics: dict) -> None:
    totals["tasks"] += 1
    totals["task_seconds"] += (info["Finish Time"] - info["Launch Time"]) / 1000
    totals["executor_cpu_seconds"] += metrics.get("Executor CPU Time", 0) / 1e9
    totals["input_bytes"] += (metrics.get("Input Metrics") or {}).get("Bytes Read", 0)
    totals["output_bytes"] += (metrics.get("Output Metrics") or {}).get("Bytes Written", 0)
    write = metrics.get("Shuffle Write Metrics") or {}
    totals["shuffle_write_bytes"] += write.get("Shuffle Bytes Written", 0)
    read = metrics.get("Shuffle Read Metrics") or {}
    totals["shuffle_read_bytes"] += read.get("Remote Bytes Read", 0) + read.get(
        "Local Bytes Read", 0
    )
    totals["spilled_bytes"] += metrics.get("Disk Bytes Spilled", 0)
