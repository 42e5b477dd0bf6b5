"""`loyalty compare-commits`: the marts and quarantine tables of another commit and of
this checkout, built on one generated export, table by table. What a change that
should compute nothing new (a refactoring, a speed-up) must leave equal.

The other commit is checked out in a git worktree of its own and built with its own
models and its own Python package (first on PYTHONPATH); the export is generated
once, by this checkout. On Spark each build runs in a Spark folder of its own
(LOYALTY_SPARK_DIR) and its tables are copied into a DuckDB file, so that both
engines are compared the same way (marts.compare_tables).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from loyalty_warehouse.compare.marts import compare_tables
from loyalty_warehouse.paths import PROJECT

ROOT = PROJECT.parent  # this checkout

BIN = Path(sys.executable).parent
MODELS_AND_SEEDS = ["--resource-type", "model", "--resource-type", "seed"]


@dataclass
class Comparison:
    base: str
    head: str
    engine: str
    customers: int
    tables: dict[str, tuple[int, int, str]] = field(default_factory=dict)

    @property
    def differing(self) -> dict[str, tuple[int, int, str]]:
        return {t: r for t, r in self.tables.items() if r[1] or r[2]}

    def lines(self) -> list[str]:
        out = [f"{self.engine}, {self.customers:,} customers: {self.base} (base) against "
               f"{self.head}"]  # fmt: skip
        for table, (rows, differing, other) in self.tables.items():
            verdict = other or ("equal" if not differing else f"{differing:,} rows differ")
            out.append(f"  {table}: {rows:,} rows, {verdict}")
        n = len(self.tables)
        out.append(f"{n - len(self.differing)} of {n} tables equal")
        return out


def git(*args: str, cwd: Path = ROOT) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout.strip()  # fmt: skip


def describe_head() -> str:
    """This checkout's commit, and whether its files differ from it."""
    changed = git("status", "--porcelain", "--untracked-files=no")
    return git("rev-parse", "HEAD") + (" with uncommitted changes" if changed else "")


def compare_commits(
    base: str,
    customers: int,
    folder: Path,
    dirty_rate: float = 0.03,
    seed: int = 7,
    engine: str = "duckdb",
    file_format: str = "csv",
    progress=print,
) -> Comparison:
    base_sha = git("rev-parse", "--verify", f"{base}^{{commit}}")
    result = Comparison(base_sha, describe_head(), engine, customers)
    folder = folder.resolve()  # each build runs in its own project folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    log = folder / "compare.log"
    raw = folder / "raw"
    progress(f"generating {customers:,} customers ({dirty_rate:.0%} dirty, seed {seed}, "
             f"{file_format})")  # fmt: skip
    _run([str(BIN / "loyalty"), "generate", "--customers", str(customers), "--dirty",
          str(dirty_rate), "--seed", str(seed), "--format", file_format, "--out", str(raw)],
         ROOT, {}, log)  # fmt: skip
    tree = folder / "base_tree"
    git("worktree", "add", "--detach", str(tree), base_sha)
    try:
        built = {}
        for name, project in (("base", tree), ("head", ROOT)):
            progress(f"building {name} ({project}) on {engine}")
            built[name] = _build(name, project, engine, raw, folder, log)
        result.tables = compare_tables(built["base"], built["head"])
    finally:
        git("worktree", "remove", "--force", str(tree))
    return result


def _build(name: str, project: Path, engine: str, raw: Path, folder: Path, log: Path) -> Path:
    """Build one tree's models and seeds; the DuckDB file holding its tables."""
    db = folder / f"{name}.duckdb"
    env = {
        "PYTHONPATH": str(project),
        "LOYALTY_RAW_DIR": str(raw),
        "LOYALTY_DB_PATH": str(db),
        "DBT_PROFILES_DIR": str(project),
        "DBT_TARGET_PATH": str(folder / f"{name}_target"),
        "DBT_LOG_PATH": str(folder / f"{name}_logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    if engine == "duckdb":
        _run([str(BIN / "dbt"), "build", *MODELS_AND_SEEDS], project, env, log)
        return db
    env["LOYALTY_SPARK_DIR"] = str(folder / f"{name}_spark")
    _run([str(BIN / "loyalty"), "build", "--target", "spark", *MODELS_AND_SEEDS],
         project, env, log)  # fmt: skip
    # copied by this checkout's package, whichever tree was built
    copy = [sys.executable, "-m", "loyalty_warehouse.compare.spark_copy", str(db)]
    _run(copy, ROOT, {**env, "PYTHONPATH": str(ROOT)}, log)
    return db


def _run(cmd: list[str], cwd: Path, env: dict, log: Path) -> None:
    with log.open("a") as fh:
        fh.write(f"$ {' '.join(cmd)}  (in {cwd})\n")
        fh.flush()
        code = subprocess.call(cmd, cwd=cwd, env={**os.environ, **env}, stdout=fh, stderr=fh)
    if code:
        raise RuntimeError(f"{' '.join(cmd)} failed (exit {code}); see {log}")
