"""Prepare the in-process Spark session of a dbt-spark `session` target.

dbt-spark (method: session) builds its SparkSession from the profile's
`server_side_parameters` on its first query, and reuses any session that already
exists. `loyalty build --target spark` starts that session first, with the same
parameters read from the same profile, registers the CLV table functions in it
(loyalty_warehouse.spark_functions) and then runs dbt in this process, where dbt-spark
finds the session ready.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import yaml


def profile_parameters(target: str, profiles_dir: Path | None = None) -> dict[str, str]:
    """The server_side_parameters of a target of this project's profile, with their
    `env_var(...)` calls rendered as dbt renders them."""
    import jinja2

    folder = profiles_dir or Path(os.environ.get("DBT_PROFILES_DIR", "."))
    profiles = yaml.safe_load((folder / "profiles.yml").read_text())
    outputs = profiles["loyalty_warehouse"]["outputs"]
    if target not in outputs:
        raise KeyError(f"profiles.yml has no target {target!r}; it has {', '.join(outputs)}")
    output = outputs[target]
    if output.get("type") != "spark" or output.get("method") != "session":
        raise ValueError(f"target {target!r} is not a Spark session target")

    def env_var(name: str, default: str | None = None) -> str:
        if name in os.environ:
            return os.environ[name]
        if default is None:
            raise KeyError(f"env var {name} is not set")
        return default

    environment = jinja2.Environment()
    return {
        key: environment.from_string(str(value)).render(env_var=env_var)
        for key, value in (output.get("server_side_parameters") or {}).items()
    }


def start(target: str = "spark", profiles_dir: Path | None = None):
    """Start (or find) the Spark session of a target and register the CLV functions."""
    # the Python workers of the table functions run this interpreter, with its packages
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    # a session on this machine: no network interface needed
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    from loyalty_warehouse import spark_functions

    builder = SparkSession.builder.enableHiveSupport()
    for key, value in profile_parameters(target, profiles_dir).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    # dbt-spark asks for the session on every connection: keep Spark's notes on
    # reusing it (and its other INFO/WARN lines) out of dbt's output
    spark.sparkContext.setLogLevel("ERROR")
    spark_functions.register(spark)
    return spark
