"""python -m loyalty_warehouse.compare.spark_copy DB: copy the marts and quarantine
tables of the Spark session of target `spark` (its folder: LOYALTY_SPARK_DIR) into the
DuckDB file DB, schema by schema, for commits.py to compare two Spark builds as it
compares DuckDB ones."""

import sys


def main(db: str) -> None:
    import duckdb

    from loyalty_warehouse.compare.engines import spark_tables
    from loyalty_warehouse.spark.session import start

    with duckdb.connect(db) as con:
        con.execute("set TimeZone = 'UTC'")
        for name, table in spark_tables(start("spark")).items():
            schema = name.split(".")[0]
            con.execute(f"create schema if not exists {schema}")
            con.register("copied", table)
            con.execute(f"create or replace table {name} as select * from copied")
            con.unregister("copied")


if __name__ == "__main__":
    main(sys.argv[1])
