"""Raw data as a loader leaves it in a warehouse, for the warehouse-tables tests.

`write_raw_tables` types the generator's rows the way a loader would (integer ids,
timestamps with a time zone, revenue as double and cost as text, refunds as decimals,
rates with a date column, an extra column, the
customers' sign-up column named `created_at`, the orders table named `order_lines`)
in a DuckDB file, and writes the same values as CSV files in the contract's names.
Run as a program, it loads such tables (exported as parquet) into the Spark
metastore of the `spark` target: `python raw_tables.py <parquet folder> <schema>`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

# {0} turns a generated id (C000042, RF000042) into an integer (42)
INTEGER_ID = "cast(regexp_extract({0}, '[0-9]+') as bigint)"
TYPED = {
    "customers": f"""
        select {INTEGER_ID.format("customer_id")} as customer_id,
               cast(signed_up_at as timestamptz) as created_at, email, country_code,
               acquisition_channel,
               {INTEGER_ID.format("referred_by_customer_id")} as referred_by_customer_id,
               'gold' as loyalty_tier""",
    "orders": f"""
        select {INTEGER_ID.format("order_id")} as order_id,
               {INTEGER_ID.format("customer_id")} as customer_id,
               cast(ordered_at as timestamptz) as ordered_at, status,
               cast(revenue as double) as revenue, cast(cost as varchar) as cost,
               currency""",
    "survey_responses": f"""
        select {INTEGER_ID.format("response_id")} as response_id,
               {INTEGER_ID.format("customer_id")} as customer_id, survey_type,
               cast(score as integer) as score, responded_at, comment""",
    "referral_offers": f"""
        select {INTEGER_ID.format("offer_id")} as offer_id,
               {INTEGER_ID.format("customer_id")} as customer_id,
               cast(offered_at as timestamptz) as offered_at,
               cast(shared_at as timestamptz) as shared_at""",
    "refunds": f"""
        select {INTEGER_ID.format("refund_id")} as refund_id,
               {INTEGER_ID.format("order_id")} as order_id,
               cast(refunded_at as timestamptz) as refunded_at,
               cast(amount as decimal(12, 2)) as amount""",
    "exchange_rates": """
        select cast(rate_date as date) as rate_date, currency,
               cast(rate_to_reporting as decimal(12, 6)) as rate_to_reporting""",
}
TABLE_NAMES = {"orders": "order_lines"}
# the vars that read them (docs/raw-data.md#tables)
TABLE_VARS = {
    "loyalty_raw_schema": "shop",
    "loyalty_raw_orders_identifier": "order_lines",
    "loyalty_raw_column_map": {"customers": {"created_at": "signed_up_at"}},
}


def write_raw_tables(generated: Path, db_path: Path, files: Path, parquet: Path | None = None):
    """The typed tables in schema shop of db_path, the same rows as CSV files (in the
    contract's names, timestamps in UTC) in files, and, given a folder, as parquet
    files named after the tables."""
    files.mkdir(parents=True)
    if parquet:
        parquet.mkdir(parents=True)
    with duckdb.connect(str(db_path)) as con:
        con.execute("set TimeZone = 'UTC'; create schema shop")
        for table, select in TYPED.items():
            name = TABLE_NAMES.get(table, table)
            con.execute(f"create table shop.{name} as {select} "
                        f"from read_parquet('{generated / table}.parquet')")  # fmt: skip
            csv_select = "select * rename (created_at as signed_up_at)" if table == "customers" \
                else "select *"  # fmt: skip
            con.execute(f"copy ({csv_select} from shop.{name}) to '{files / table}.csv' "
                        "(header, timestampformat '%Y-%m-%d %H:%M:%S')")  # fmt: skip
            if parquet:
                con.execute(f"copy shop.{name} to '{parquet / name}.parquet'")
        # a different time zone in the loader's session changes no instant
        con.execute("set TimeZone = 'Asia/Tokyo'")


def load_into_spark(parquet: Path, schema: str) -> list[str]:
    """Each parquet file of the folder as a managed table of the schema, in the
    metastore of the project's `spark` target (LOYALTY_SPARK_DIR)."""
    from loyalty_warehouse.spark.session import start

    spark = start("spark")
    spark.sql(f"create database if not exists {schema}")
    loaded = []
    for file in sorted(parquet.glob("*.parquet")):
        spark.sql(f"create table {schema}.{file.stem} using parquet as "
                  f"select * from parquet.`{file}`")  # fmt: skip
        types = ", ".join(f"{f.name} {f.dataType.simpleString()}"
                          for f in spark.table(f"{schema}.{file.stem}").schema.fields)  # fmt: skip
        loaded.append(f"{schema}.{file.stem}: {types}")
    spark.stop()
    return loaded


if __name__ == "__main__":
    print("\n".join(load_into_spark(Path(sys.argv[1]), sys.argv[2])))
