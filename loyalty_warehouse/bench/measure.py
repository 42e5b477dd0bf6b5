"""How a bench step is measured: each command in a process of its own, timed, with
the peak resident memory of what it ran. Timings are medians over the repeats of one
session: compare ratios, not seconds measured on different days."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# runs a command and reports its exit code and the peak memory of its children
# (getrusage), so that a step's memory is its own
WRAPPER = Path(__file__).with_name("peak_memory.py")


@dataclass
class Step:
    name: str
    seconds: list[float] = field(default_factory=list)
    peak_mb: float = 0.0
    note: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None


def machine() -> str:
    memory_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_kb = int(line.split()[1])
    except OSError:
        pass
    python = sys.version.split()[0]
    return f"{os.cpu_count()} cores, {memory_kb / 1024**2:.0f} GB memory, Python {python}"


def run_measured(cmd: list[str], env: dict, log: Path) -> tuple[float, float]:
    """(seconds, peak MB) of a command; its output goes to log; a failure stops the
    bench in one line naming the log."""
    started = time.perf_counter()
    with log.open("a") as fh:
        proc = subprocess.run([sys.executable, str(WRAPPER), json.dumps(cmd)], env=env,
                              stdout=subprocess.PIPE, stderr=fh, text=True, cwd=ROOT)  # fmt: skip
    seconds = time.perf_counter() - started
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    report = json.loads(lines[-1]) if lines else {"code": proc.returncode, "peak_kb": 0}
    if report["code"] != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed (exit {report['code']}); see {log}")
    return seconds, report["peak_kb"] / 1024


def tree_rss_mb(root: int) -> float:
    """Resident memory of a process and all its descendants (from /proc), in MB."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def run_sampled(cmd: list[str], env: dict, log: Path) -> tuple[float, float]:
    """Like run_measured, with the peak memory sampled from /proc every 0.2 s: a Spark
    session's JVM is killed, not waited for, so getrusage never sees it."""
    started = time.perf_counter()
    peak = 0.0
    with log.open("a") as fh:
        proc = subprocess.Popen(cmd, env=env, stdout=fh, stderr=fh, cwd=ROOT)
        while proc.poll() is None:
            peak = max(peak, tree_rss_mb(proc.pid))
            time.sleep(0.2)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed (exit {proc.returncode}); see {log}")
    return time.perf_counter() - started, peak


def not_passed(results: list[dict]) -> str:
    """The nodes of a build that warned, failed or errored, for the step's note: a
    benchmark of a build that is not green measures the wrong thing."""
    bad = sorted(f"{r['status'].upper()} {r['unique_id'].split('.')[-1]}"
                 for r in results if r["status"] not in ("success", "pass", "no-op"))  # fmt: skip
    return "; ".join(bad)


def slowest(results: list[dict]) -> list[dict]:
    """The ten slowest nodes of a build's run_results."""
    timed = sorted(((r["execution_time"], r["unique_id"]) for r in results), reverse=True)
    return [{"seconds": s, "node": n} for s, n in timed[:10]]


def build_results(target: Path) -> list[dict]:
    """The node results of the last dbt command that wrote into target."""
    return json.loads((target / "run_results.json").read_text())["results"]
