"""A bench run's folder: its environment, its log, the generated data and the two
exports of consecutive days that the full and one-day builds read."""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from loyalty_warehouse.bench.measure import ROOT, Step, run_measured
from loyalty_warehouse.generate import daily

BIN = Path(sys.executable).parent
DBT_BUILD = [str(BIN / "dbt"), "build", "--project-dir", str(ROOT)]
LOYALTY = str(BIN / "loyalty")


@dataclass
class Workspace:
    folder: Path

    def __post_init__(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.log = self.folder / "bench.log"
        self.log.write_text("")
        self.db = self.folder / "warehouse.duckdb"
        self.target = self.folder / "target"
        self.generated = self.folder / "generated"
        self.day_n, self.day_n1 = self.folder / "day_n", self.folder / "day_n1"
        self.env = {
            **os.environ,
            "LOYALTY_DB_PATH": str(self.db),
            "DBT_PROFILES_DIR": str(ROOT),
            "DBT_TARGET_PATH": str(self.target),
            "DBT_LOG_PATH": str(self.folder / "logs"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }

    def run(self, cmd: list[str], raw: Path | None = None, **env) -> tuple[float, float]:
        """(seconds, peak MB) of a command in this workspace's environment."""
        extra = {"LOYALTY_RAW_DIR": str(raw)} if raw else {}
        return run_measured(cmd, {**self.env, **extra, **env}, self.log)

    def generate(self, customers: int) -> Step:
        """The demo data of ``customers``, timed."""
        shutil.rmtree(self.generated, ignore_errors=True)
        seconds, peak = self.run([LOYALTY, "generate", "--customers", str(customers),
                                  "--out", str(self.generated)])  # fmt: skip
        return Step("generate", [seconds], peak)

    def split_days(self, order: str) -> None:
        """The generated history ends on a day D + 1: day_n is the export of D, day_n1
        the next day's (one more day, some late rows), its rows appended to the export
        or sorted in among the old ones (daily.ORDERS)."""
        truth = json.loads((self.generated / "truth.json").read_text())
        last_day = date.fromisoformat(truth["end_date"])
        for folder in (self.day_n, self.day_n1):
            shutil.rmtree(folder, ignore_errors=True)
        daily.split_days(self.generated, last_day - timedelta(days=1), self.day_n,
                         self.day_n1, order=order)  # fmt: skip
