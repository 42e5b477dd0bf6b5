"""The package as a user installs it without `-e`: a wheel built from this checkout,
installed into a fresh virtual environment (the dependencies come from the project's
own, on the path after the wheel's files), runs the CLI and imports every subpackage
from the installed files, not from the checkout. And the package as a Spark Connect
session ships it to the executors: a zip from which every subpackage imports."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "loyalty_warehouse"


def _subpackages() -> list[str]:
    """Every folder of the checkout's package with an __init__.py, as a dotted name."""
    return sorted(
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in PACKAGE.rglob("__init__.py")
        if "__pycache__" not in init.parts
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("wheel")
    # from the checkout's files alone: setuptools' build/ folder of an earlier build
    # would otherwise ship what the configuration leaves out
    source = folder / "source"
    listed = subprocess.check_output(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT
    )
    for name in filter(None, listed.decode().split("\0")):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(folder / "dist")],
        capture_output=True, text=True, cwd=folder, check=False,
    )  # fmt: skip
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    (wheel,) = (folder / "dist").glob("loyalty_warehouse-*.whl")
    venv = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    done = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
         "--no-deps", "--no-index", str(wheel)],
        capture_output=True, text=True, cwd=folder, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    python = venv / "bin" / "python"
    site = Path(subprocess.check_output([python, "-c", purelib], text=True).strip())
    # the dependencies: the project's environment, after the wheel's own files (a plain
    # path, so the checkout's editable install is not loaded)
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv


def _run(venv: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(args, capture_output=True, text=True, cwd=cwd, env=env, check=False)


def test_the_wheel_imports_every_subpackage_from_its_own_files(installed, tmp_path):
    names = _subpackages()
    assert {"loyalty_warehouse.cli", "loyalty_warehouse.dashboard"} <= set(names)
    script = (
        "import importlib, json, sys\n"
        f"names = {names!r}\n"
        "print(json.dumps({n: importlib.import_module(n).__file__ for n in names}))\n"
    )
    imported = _run(installed, str(installed / "bin" / "python"), "-c", script, cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr[-3000:]
    files = json.loads(imported.stdout)
    outside = {n: f for n, f in files.items() if not f.startswith(str(installed))}
    assert outside == {}  # every subpackage from the wheel, none from the checkout
    lock = next(Path(files["loyalty_warehouse.bench.peers"]).parent.glob("*.lock"), None)
    assert lock is not None  # the package data read at run time


def test_the_installed_cli_runs_and_generates(installed, tmp_path):
    loyalty = str(installed / "bin" / "loyalty")
    helped = _run(installed, loyalty, "--help", cwd=tmp_path)
    assert helped.returncode == 0, helped.stderr[-3000:]
    assert "generate" in helped.stdout and "build" in helped.stdout
    out = tmp_path / "raw"
    generated = _run(installed, loyalty, "generate", "--customers", "100", "--out", str(out),
                     cwd=tmp_path)  # fmt: skip
    assert generated.returncode == 0, generated.stdout[-2000:] + generated.stderr[-3000:]
    customers = (out / "customers.parquet").exists() or (out / "customers.csv").exists()
    assert customers, sorted(p.name for p in out.iterdir())


def test_the_spark_archive_imports_every_subpackage_from_the_zip_alone(tmp_path):
    """spark.session.project_archive: the zip a Spark Connect session sends to the
    executors, which have the libraries but not the project (docs/spark.md)."""
    from loyalty_warehouse.spark.session import project_archive

    archive = project_archive(tmp_path)
    # the modules the executors import (the CLV table functions), and every subpackage
    names = [*_subpackages(), "loyalty_warehouse.clv.tables", "loyalty_warehouse.spark.functions"]
    script = (
        "import importlib, json, sys\n"
        # no editable install's finder (it would find a checkout): the zip alone
        "sys.meta_path[:] = [f for f in sys.meta_path if 'editable' not in f.__module__]\n"
        f"sys.path.insert(0, {str(archive)!r})\n"
        f"names = {names!r}\n"
        "print(json.dumps({n: importlib.import_module(n).__file__ for n in names}))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    imported = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              cwd=tmp_path, env=env, check=False)  # fmt: skip
    assert imported.returncode == 0, imported.stderr[-3000:]
    files = json.loads(imported.stdout)
    outside = {n: f for n, f in files.items() if not f.startswith(str(archive) + os.sep)}
    assert outside == {}
