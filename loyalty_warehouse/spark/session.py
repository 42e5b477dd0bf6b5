"""Prepare the in-process Spark session of a dbt-spark `session` target.

dbt-spark (method: session) builds its SparkSession from the profile's
`server_side_parameters` on its first query, and reuses any session that already
exists. `loyalty build --target spark` starts that session first, with the same
parameters read from the same profile, registers the CLV table functions in it
(loyalty_warehouse.spark.functions) and then runs dbt in this process, where dbt-spark
finds the session ready.

The profile is found as dbt finds it, so a root project that installs this one as a
package (docs/package.md) works the same: the profile named by `--profile` or by the
`profile:` of the project's dbt_project.yml (`--project-dir`, else the working
directory), in the profiles.yml of `--profiles-dir`, DBT_PROFILES_DIR, the working
directory or ~/.dbt, in that order; the target named by `--target`, else the
profile's own.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class DbtArgs:
    """What dbt's command line says about where its profile is."""

    target: str | None = None
    profile: str | None = None
    project_dir: Path | None = None
    profiles_dir: Path | None = None

    @classmethod
    def parse(cls, args: list[str]) -> DbtArgs:
        def value(*names: str) -> str | None:
            for i, arg in enumerate(args):
                if arg in names and i + 1 < len(args):
                    return args[i + 1]
                for name in names:
                    if arg.startswith(name + "="):
                        return arg.split("=", 1)[1]
            return None

        project_dir, profiles_dir = value("--project-dir"), value("--profiles-dir")
        return cls(
            target=value("--target", "-t"),
            profile=value("--profile"),
            project_dir=Path(project_dir) if project_dir else None,
            profiles_dir=Path(profiles_dir) if profiles_dir else None,
        )


def _env_var(name: str, default: str | None = None) -> str:
    if name in os.environ:
        return os.environ[name]
    if default is None:
        raise KeyError(f"env var {name} is not set")
    return default


def _render(value) -> str:
    import jinja2

    return jinja2.Environment().from_string(str(value)).render(env_var=_env_var)


def profile_output(args: DbtArgs) -> tuple[str, dict]:
    """(target name, its output) of the profile dbt would read with these arguments."""
    project_dir = args.project_dir or Path(os.environ.get("DBT_PROJECT_DIR", "."))
    profile = args.profile
    if profile is None:
        project = yaml.safe_load((project_dir / "dbt_project.yml").read_text())
        profile = project["profile"]
    folders = [args.profiles_dir, os.environ.get("DBT_PROFILES_DIR"), Path.cwd(),
               Path.home() / ".dbt"]  # fmt: skip
    files = [Path(f) / "profiles.yml" for f in folders if f]
    found = next((f for f in files if f.exists()), None)
    if found is None:
        raise FileNotFoundError(f"no profiles.yml in {', '.join(str(f.parent) for f in files)}")
    profiles = yaml.safe_load(found.read_text())
    if profile not in profiles:
        raise KeyError(f"{found} has no profile {profile!r}")
    target = args.target or _render(profiles[profile].get("target", "default"))
    outputs = profiles[profile]["outputs"]
    if target not in outputs:
        raise KeyError(f"profile {profile!r} has no target {target!r}; it has {', '.join(outputs)}")
    return target, outputs[target]


def is_session_target(output: dict) -> bool:
    return output.get("type") == "spark" and output.get("method") == "session"


def session_parameters(output: dict) -> dict[str, str]:
    """The server_side_parameters of a Spark session output, with their `env_var(...)`
    calls rendered as dbt renders them."""
    if not is_session_target(output):
        raise ValueError("not a Spark session target (type: spark, method: session)")
    return {
        key: _render(value) for key, value in (output.get("server_side_parameters") or {}).items()
    }


def is_remote(parameters: dict[str, str]) -> bool:
    """Whether the session is a Spark Connect client (`spark.remote` is set)."""
    return bool(parameters.get("spark.remote"))


def project_archive(folder: Path) -> Path:
    """The loyalty_warehouse package as a zip of its Python files, every subpackage
    included, for the executors (tests_python/test_packaging.py imports each from it)."""
    import zipfile

    package = Path(__file__).resolve().parents[1]
    archive = folder / "loyalty_warehouse.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(package.rglob("*.py")):
            z.write(path, Path("loyalty_warehouse") / path.relative_to(package))
    return archive


def start(args: DbtArgs | str = "spark"):
    """Start (or find) the Spark session of a target and register the CLV functions.

    An in-process session (`spark.master`) runs the functions in this interpreter's
    Python workers. A Spark Connect session (`spark.remote`, the cluster's driver
    elsewhere) first sends this package to the session as a Python artifact, which
    the executors put on their path, so the functions import it there; the executors'
    Python needs only the libraries (numpy, scipy, pandas, pyarrow)."""
    import tempfile
    import warnings

    if isinstance(args, str):
        args = DbtArgs(target=args)
    _, output = profile_output(args)
    parameters = session_parameters(output)
    remote = is_remote(parameters)
    # a session on this machine: no network interface needed
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    # dbt-spark asks for Hive support on every connection; over Spark Connect the
    # server decides it (the cluster's metastore), and pyspark warns each time
    warnings.filterwarnings("ignore", message=".*spark.sql.catalogImplementation.*")
    warnings.filterwarnings("ignore", message=".*does not yet fully support pandas.*")
    from pyspark.sql import SparkSession

    from loyalty_warehouse.spark import functions

    builder = SparkSession.builder
    if remote:
        # the server resolves a relative raw folder against its own working directory:
        # name the folder this command means (on a real cluster, use a path it reads)
        raw = os.environ.get("LOYALTY_RAW_DIR", "data/raw")
        if "://" not in raw:
            os.environ["LOYALTY_RAW_DIR"] = str(Path(raw).resolve())
    else:
        # the Python workers of the table functions run this interpreter, with its packages
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        builder = builder.enableHiveSupport()
    for key, value in parameters.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    if remote:
        with tempfile.TemporaryDirectory() as folder:
            spark.addArtifacts(str(project_archive(Path(folder))), pyfile=True)
    else:
        # dbt-spark asks for the session on every connection: keep Spark's notes on
        # reusing it (and its other INFO/WARN lines) out of dbt's output
        spark.sparkContext.setLogLevel("ERROR")
    functions.register(spark)
    return spark
