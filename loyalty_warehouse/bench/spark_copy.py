"""python spark_copy.py DB: copy the marts and quarantine tables of the Spark session
of target `spark` (its folder: LOYALTY_SPARK_DIR) into the DuckDB file DB, schema by
schema, for bench/commits.py to compare two Spark builds as it compares DuckDB ones."""

import sys

import duckdb

from loyalty_warehouse.engines import spark_tables
from loyalty_warehouse.spark_session import start

with duckdb.connect(sys.argv[1]) as con:
    con.execute("set TimeZone = 'UTC'")
    for name, table in spark_tables(start("spark")).items():
        schema = name.split(".")[0]
        con.execute(f"create schema if not exists {schema}")
        con.register("copied", table)
        con.execute(f"create or replace table {name} as select * from copied")
        con.unregister("copied")
