"""Raw data that already lives in the warehouse, and the project as a package.

One data set (the generator's, 400 customers) is written twice: as CSV files in the
contract's names, and as DuckDB tables the way a loader leaves them: integer ids,
timestamps with a time zone, revenue as double and cost as text, an extra column, the
customers' sign-up column named `created_at` (mapped by loyalty_raw_column_map) and
the orders table named `order_lines` (loyalty_raw_orders_identifier). A build reading
the tables from another DuckDB file attached read-only, and a root project of one's
own that installs this one as a local package and reads them from a schema of its
own warehouse, give every mart of the build from the files (docs/raw-data.md#tables).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import duckdb
import pytest
import yaml

import raw_tables
from conftest import (
    DBT,
    MODELS_AND_SEEDS,
    ROOT,
    DbtResult,
    _dbt_env,
    own_project,
    run_dbt,
)
from loyalty_warehouse import generate as g
from loyalty_warehouse.compare import compare_marts

pytestmark = pytest.mark.dbt

# the DuckDB test reads the loader's file attached as shop_db
TABLE_VARS = {"loyalty_raw_database": "shop_db", **raw_tables.TABLE_VARS}
TYPED, TABLE_NAMES = raw_tables.TYPED, raw_tables.TABLE_NAMES


def profile_with(tmp: Path, attach: Path | None) -> Path:
    """The project's profile, the shop's DuckDB file attached read-only as shop_db."""
    profiles = yaml.safe_load((ROOT / "profiles.yml").read_text())
    dev = profiles["loyalty_warehouse"]["outputs"]["dev"]
    if attach:
        dev["attach"] = [{"path": str(attach), "alias": "shop_db", "read_only": True}]
    folder = tmp / "profile"
    folder.mkdir(exist_ok=True)
    (folder / "profiles.yml").write_text(yaml.safe_dump(profiles))
    return folder


def dbt(project: Path, db_path: Path, profiles: Path, *args: str, env: dict | None = None):
    env = {
        **_dbt_env(db_path.parent / "no-files", db_path),
        "LOYALTY_DB_PATH": str(db_path),
        "DBT_PROFILES_DIR": str(profiles),
        "DBT_PARTIAL_PARSE": "false",
        **(env or {}),
    }
    proc = subprocess.run([DBT, *args, "--project-dir", str(project)], env=env,
                          capture_output=True, text=True, cwd=db_path.parent)  # fmt: skip
    return DbtResult(proc.returncode, proc.stdout + proc.stderr, db_path)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """{generated, files, shop (the tables' own DuckDB file), files_build}."""
    tmp = tmp_path_factory.mktemp("warehouse-tables")
    g.write_raw(g.GeneratorConfig(customers=400, seed=41), tmp / "generated")
    shop = tmp / "shop" / "loader.duckdb"
    shop.parent.mkdir()
    raw_tables.write_raw_tables(tmp / "generated", shop, tmp / "files")
    files_build = run_dbt(
        tmp / "files", tmp / "files-build" / "warehouse.duckdb", *MODELS_AND_SEEDS
    )
    assert files_build.returncode == 0, files_build.output
    return {"tmp": tmp, "files": tmp / "files", "shop": shop, "files_build": files_build}


def assert_marts_equal(first: Path, second: Path, project_name: str | None = None) -> None:
    differences = compare_marts(first, second)
    assert len(differences) >= 19
    if project_name:  # build_info names the root project that built the marts (a
        # column compare_marts leaves out, with the others that say how a build ran)
        with duckdb.connect(str(second), read_only=True) as con:
            assert con.sql("select project_name from marts.build_info").fetchall() == [
                (project_name,)
            ]
    assert {mart: diff for mart, (_, diff) in differences.items() if diff} == {}
    assert differences["fct_orders"][0] > 1_000  # and compared something
    assert differences["fct_refunds"][0] > 50  # refunds and rates typed as a loader types them


def test_tables_of_an_attached_file_build_the_marts_of_the_same_files(data, tmp_path):
    shop_checksum = hashlib.sha256(data["shop"].read_bytes()).hexdigest()
    profiles = profile_with(tmp_path, data["shop"])
    db_path = tmp_path / "tables" / "warehouse.duckdb"
    db_path.parent.mkdir()
    vars_ = json.dumps(TABLE_VARS)
    built = dbt(ROOT, db_path, profiles, "build", "--exclude", "resource_type:unit_test",
                "--vars", vars_)  # fmt: skip
    assert built.returncode == 0, built.output
    # every table read from the shop's file, the files folder not at all
    for table in TYPED:
        name = TABLE_NAMES.get(table, table)
        line = f"raw.{table}: shop_db.shop.{name}, a table of the warehouse"
        assert line in built.output, built.output
    assert_marts_equal(data["files_build"].db_path, db_path)
    # nothing quarantined, as from the files: the typed values were read as they are
    assert built.query("select count(*) from quarantine.quarantined_rows") == [(0,)]
    assert hashlib.sha256(data["shop"].read_bytes()).hexdigest() == shop_checksum

    # the source tables are declared: dbt source freshness reads their loaded_at_field
    fresh = dbt(ROOT, db_path, profiles, "source", "freshness", "--select",
                "source:raw_tables.orders", "--vars", vars_)  # fmt: skip
    assert "raw_tables.orders" in fresh.output, fresh.output
    assert "Runtime Error" not in fresh.output and "ERROR STALE" not in fresh.output


@pytest.mark.parametrize(
    ("changed_vars", "message"),
    [
        pytest.param(
            {"loyalty_raw_orders_identifier": "orders"},
            "required table shop_db.shop.orders for table 'orders' not found; check the "
            "vars loyalty_raw_database, loyalty_raw_schema and loyalty_raw_orders_identifier",
            id="missing-table",
        ),
        pytest.param(
            {"loyalty_raw_column_map": {}},
            "table shop_db.shop.customers (table 'customers') has no required column "
            "'signed_up_at'; it has: customer_id, created_at,",
            id="missing-column",
        ),
        pytest.param(
            {"loyalty_raw_column_map": {"customers": {"created_at": "signed_up_at",
                                                      "loyalty_tier": "signed_up_at"}}},
            "has two columns for 'signed_up_at': 'created_at' and 'loyalty_tier'",
            id="two-columns-for-one",
        ),
    ],
)  # fmt: skip
def test_a_missing_table_or_column_stops_the_build_in_one_line(data, tmp_path, changed_vars,
                                                              message):  # fmt: skip
    profiles = profile_with(tmp_path, data["shop"])
    db_path = tmp_path / "warehouse.duckdb"
    stopped = dbt(ROOT, db_path, profiles, "build", "--select", "build_info",
                  "--vars", json.dumps({**TABLE_VARS, **changed_vars}))  # fmt: skip
    assert stopped.returncode != 0
    lines = [line for line in stopped.output.splitlines() if message in line]
    assert len(lines) >= 1, stopped.output


def test_a_root_project_of_ones_own_builds_it_as_a_local_package(data, tmp_path):
    project = own_project(tmp_path / "acme")
    db_path = tmp_path / "acme.duckdb"
    # the raw tables in a schema of the root project's own warehouse
    with duckdb.connect(str(db_path)) as con:
        con.execute(f"attach '{data['shop']}' as shop_db (read_only)")
        con.execute("create schema shop")
        for (name,) in con.sql("select table_name from information_schema.tables"
                               " where table_catalog = 'shop_db'").fetchall():  # fmt: skip
            con.execute(f"create table shop.{name} as select * from shop_db.shop.{name}")
    env = {"ACME_DB_PATH": str(db_path)}

    deps = dbt(project, db_path, project, "deps", env=env)
    assert deps.returncode == 0, deps.output
    built = dbt(project, db_path, project, "build", "--exclude", "resource_type:unit_test",
                env=env)  # fmt: skip
    assert built.returncode == 0, built.output
    assert_marts_equal(data["files_build"].db_path, db_path, project_name="acme_analytics")
    # the root project's own model, on the package's marts
    by_country = built.query(
        "select sum(customers), sum(loyal_customers) from reporting.loyal_customers_by_country"
    )
    assert by_country == built.query(
        "select count(*), count(*) filter (where loyalty_stage = 'loyal') from marts.dim_customers"
    )
    assert by_country[0][0] > 0


def test_a_git_url_installs_the_same_package(tmp_path):
    """packages.yml with a git URL (this repository's own, file://) resolves the same
    models as the local path."""
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True, check=True).stdout.strip()  # fmt: skip
    models = {}
    for kind, line in [("local", f"local: {ROOT}"),
                       ("git", f"git: file://{ROOT}\n    revision: {commit}")]:  # fmt: skip
        project = own_project(tmp_path / kind, package=line)
        db_path = project / "acme.duckdb"
        env = {"ACME_DB_PATH": str(db_path)}
        deps = dbt(project, db_path, project, "deps", env=env)
        assert deps.returncode == 0, deps.output
        listed = dbt(project, db_path, project, "ls", "--resource-type", "model", "--quiet",
                     env=env)  # fmt: skip
        assert listed.returncode == 0, listed.output
        models[kind] = sorted(listed.output.split())
    assert len(models["local"]) > 40
    assert models["git"] == models["local"]


def test_loyalty_build_reads_the_profile_dbt_reads(tmp_path, monkeypatch):
    """`loyalty build` starts a Spark session for a root project's Spark target too:
    it finds the profile as dbt does (--profile, the project's `profile:`,
    --profiles-dir, DBT_PROFILES_DIR)."""
    from loyalty_warehouse.spark.session import DbtArgs, is_session_target, profile_output

    project = own_project(tmp_path / "acme", spark_output="lake")
    monkeypatch.setenv("DBT_PROFILES_DIR", str(ROOT))
    monkeypatch.chdir(tmp_path)

    args = ["--project-dir", str(project), "--profiles-dir", str(project)]
    target, output = profile_output(DbtArgs.parse([*args, "--target", "lake"]))
    assert target == "lake" and is_session_target(output)
    target, output = profile_output(DbtArgs.parse(args))  # the profile's own target
    assert target == "dev" and output["type"] == "duckdb" and not is_session_target(output)
    # without --profiles-dir: DBT_PROFILES_DIR, this project's profiles.yml, has no acme
    with pytest.raises(KeyError, match="no profile 'acme'"):
        profile_output(DbtArgs.parse(["--project-dir", str(project)]))
    target, output = profile_output(DbtArgs.parse(["--project-dir", str(ROOT), "-t", "spark"]))
    assert target == "spark" and is_session_target(output)
