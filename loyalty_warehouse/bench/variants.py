"""Other builds of the same export in the same bench run, beside this checkout's:
another commit of the project (`--against`: the change measured against the code
before it) and this checkout on another DuckDB release (`--duckdb`). Each variant
builds into a DuckDB file of its own, round by round with this checkout (so that a
noisy minute hits all of them), and its marts are compared with this checkout's.

A commit is checked out in a git worktree of its own and run with this environment
(its models, macros and Python package first on PYTHONPATH, as in
`loyalty compare-commits`), on the DuckDB its requirements.lock pins: the code before
a change as it ran then. A DuckDB release gets a venv of its own under target/
holding only that duckdb: it sees this environment's other packages through a .pth
file placed after its own site-packages, so that dbt, dbt-duckdb and the project are
the same and only DuckDB differs.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from loyalty_warehouse.bench.measure import ROOT
from loyalty_warehouse.compare import compare_marts

BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Variant:
    label: str  # what the tables print: "this checkout", "1a2b3c4", "DuckDB 1.5.6"
    key: str  # in step names and file names
    project: Path = ROOT
    bin: Path = BIN
    duckdb: str = ""  # its DuckDB release ("": this environment's)

    def env(self) -> dict[str, str]:
        if self.project == ROOT:
            return {}
        return {"PYTHONPATH": str(self.project), "DBT_PROFILES_DIR": str(self.project)}

    def dbt_build(self) -> list[str]:
        return [str(self.bin / "dbt"), "build", "--project-dir", str(self.project)]

    def compare_marts(self, first: Path, second: Path) -> dict[str, tuple[int, int]]:
        """compare.compare_marts(first, second), run with the newer of this variant's
        DuckDB and this environment's: a file written by a newer DuckDB cannot be opened
        by an older one, the other way can."""
        if self.bin == BIN or _release(self.duckdb) <= _release(duckdb_version()):
            return compare_marts(first, second)
        # the answer goes through a file: DuckDB draws its progress bar on stdout
        with tempfile.TemporaryDirectory() as folder:
            answer = Path(folder) / "marts.json"
            code = ("import json, sys; from loyalty_warehouse.compare import compare_marts; "
                    "found = compare_marts(*sys.argv[1:3]); "
                    "open(sys.argv[3], 'w').write(json.dumps(found))")  # fmt: skip
            asks = [str(self.bin / "python"), "-c", code, str(first), str(second), str(answer)]
            # this checkout's comparison, whatever the variant's own package holds
            done = subprocess.run(asks, capture_output=True, text=True,
                                  env=os.environ | {"PYTHONPATH": str(ROOT)})  # fmt: skip
            if done.returncode:
                raise RuntimeError(f"comparing marts with {self.label}: "
                                   f"{done.stderr.strip()[-800:]}")  # fmt: skip
            found = json.loads(answer.read_text())
        return {m: (rows, differing) for m, (rows, differing) in found.items()}


THIS_CHECKOUT = Variant("this checkout", "head")


def duckdb_version() -> str:
    import duckdb

    return duckdb.__version__


def _release(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".")[:3])


def duckdb_variant(version: str) -> Variant:
    """This checkout on DuckDB ``version``, in target/duckdb-<version>-venv (made once)."""
    venv = ROOT / "target" / f"duckdb-{version}-venv"
    python = venv / "bin" / "python"
    if not (venv / ".installed").exists():
        subprocess.check_call([sys.executable, "-m", "venv", str(venv)])
        subprocess.check_call([str(python), "-m", "pip", "install", "--quiet", "--no-deps",
                               f"duckdb=={version}"])  # fmt: skip
        ours = Path(sys.prefix) / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}"
        site = next(venv.glob("lib/python*/site-packages"))
        # addsitedir appends this environment's site-packages (and its .pth files, the
        # project's editable install among them) after the venv's own duckdb
        (site / "zz_loyalty_environment.pth").write_text(
            f"import site; site.addsitedir({str(ours / 'site-packages')!r})\n"
        )
        for script in ("dbt", "loyalty"):
            text = (BIN / script).read_text().split("\n", 1)[1]
            (venv / "bin" / script).write_text(f"#!{python}\n{text}")
            (venv / "bin" / script).chmod(0o755)
        asks = [str(python), "-c", "import duckdb; print(duckdb.__version__)"]
        found = subprocess.run(asks, capture_output=True, text=True, check=True).stdout.strip()
        if found != version:
            raise RuntimeError(f"{venv} imports duckdb {found}, not {version}")
        (venv / ".installed").write_text(version + "\n")
    return Variant(f"DuckDB {version}", f"duckdb_{version.replace('.', '_')}",
                   bin=venv / "bin", duckdb=version)  # fmt: skip


@contextmanager
def commit_variant(commit: str, folder: Path) -> Iterator[Variant]:
    """Another commit of the project, checked out under folder while the bench runs."""
    from loyalty_warehouse.compare.commits import git

    sha = git("rev-parse", "--verify", f"{commit}^{{commit}}")
    tree = folder / f"tree_{sha[:10]}"
    if tree.exists():
        git("worktree", "remove", "--force", str(tree))
    git("worktree", "add", "--detach", str(tree), sha)
    try:
        pinned = re.search(r"^duckdb==(\S+)", (tree / "requirements.lock").read_text(), re.M)
        bin, version = BIN, duckdb_version()
        if pinned and pinned[1] != version:
            bin, version = duckdb_variant(pinned[1]).bin, pinned[1]
        label = f"commit {sha[:10]}" + (f" (DuckDB {version})" if bin != BIN else "")
        yield Variant(label, f"commit_{sha[:10]}", project=tree, bin=bin, duckdb=version)
    finally:
        git("worktree", "remove", "--force", str(tree))
