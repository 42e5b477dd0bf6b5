"""Compare the tables of a Spark build with those of a DuckDB build of the same data.

`loyalty compare-engines --db warehouse.duckdb --target spark` reads every table of
the `marts` and `quarantine` schemas from the Spark target (as Arrow) and from the
DuckDB file, and checks them row for row:

- the same tables, columns (Spark's column names are case-insensitive: `T` is `t`)
  and row counts;
- every column that is not a floating-point number (keys, counts, categories, dates,
  timestamps, money as decimals, JSON text) exactly equal;
- floating-point columns within a relative tolerance: 1e-9, and 1e-6 in the CLV
  tables (`clv_*`) and the CLV predictions `dim_customers` carries (p_alive,
  expected_transactions), whose parameters come out of a numerical optimiser that
  sums the same numbers in the order each engine hands them over (at a million
  customers the two engines' predictions differ from the eighth digit);
- money a mart rounds to the cent from a CLV model's floating-point result
  (`dim_customers.predicted_clv`) within one cent: a value a hair from a half cent
  rounds either way, as the engines' last binary digits fall;
- except `detected_at` in quarantine and `marts.build_info`'s facts of the build
  (when, which engine, dbt version, commit).

Rows are paired by sorting both sides on every column, exact ones first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

SCHEMAS = ("marts", "quarantine")
DOUBLE_RTOL = 1e-9
CLV_RTOL = 1e-6
FLOAT_TYPES = ("DOUBLE", "FLOAT", "REAL")
# when and how the build ran, not what it computed (marts.build_info is compared on
# its as-of date; project_name is the root project's, another when built as a package)
BUILD_TIME_COLUMNS = (
    "detected_at", "built_at", "project_commit", "dbt_invocation_id", "dbt_version", "engine",
    "project_name",
)  # fmt: skip
# a CLV model's floating-point results copied into another mart: the CLV tolerance
FROM_CLV_MODELS = {
    ("marts.dim_customers", "p_alive"),
    ("marts.dim_customers", "expected_transactions"),
}
# decimals rounded from a model's floating-point result, and the rounding unit
ROUNDED_FROM_FLOATS = {("marts.dim_customers", "predicted_clv"): 0.01}


# tables of more rows are compared a month at a time (of the column chunk_column
# picks), so that neither side holds a ten-million-row table in the driver's memory
CHUNK_ROWS = 1_000_000
DATE_TYPES = ("DATE", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE")


@dataclass
class TableComparison:
    table: str
    duckdb_rows: int | None
    spark_rows: int | None
    problems: list[str] = field(default_factory=list)
    chunks: str = ""

    @property
    def equal(self) -> bool:
        return not self.problems


def tolerance(table: str) -> float:
    """The relative tolerance for a table's floating-point columns."""
    return CLV_RTOL if table.split(".")[-1].startswith("clv_") else DOUBLE_RTOL


class SparkTables:
    """The tables of the schemas in a Spark session (in-process or Spark Connect),
    read a filter at a time as Arrow: Spark does the filtering, the client holds one
    chunk."""

    def __init__(self, spark, schemas=SCHEMAS) -> None:
        self.spark = spark
        self.names = [
            f"{schema}.{t.name}"
            for schema in schemas
            for t in spark.catalog.listTables(schema)
            if not t.isTemporary  # a view of the schema is compared (fct_orders is one)
        ]

    def count(self, table: str) -> int:
        return self.spark.table(table).count()

    def read(self, table: str, where: str = "true"):
        return self.spark.sql(f"select * from {table} where {where}").toArrow()


class ArrowTables:
    """Arrow tables by name, read as SparkTables reads Spark's (for tests and copies)."""

    def __init__(self, tables: dict) -> None:
        self.tables = tables
        self.names = list(tables)

    def count(self, table: str) -> int:
        return self.tables[table].num_rows

    def read(self, table: str, where: str = "true"):
        import duckdb

        with duckdb.connect(":memory:") as con:
            con.execute("set TimeZone = 'UTC'")
            con.register("t", self.tables[table])
            return con.sql(f"select * from t where {where}").to_arrow_table()


def spark_tables(spark, schemas=SCHEMAS) -> dict:
    """{"schema.table": pyarrow.Table} for every table of the schemas in a session
    (whole tables: for small builds only)."""
    source = SparkTables(spark, schemas)
    return {name: source.read(name) for name in source.names}


def compare(db_path: Path, spark, schemas=SCHEMAS, chunk_rows: int = CHUNK_ROWS
            ) -> list[TableComparison]:  # fmt: skip
    """Compare the DuckDB file's tables of the schemas with Spark's (SparkTables, or a
    dict of Arrow tables); tables of more than chunk_rows rows a month at a time."""
    import duckdb

    source = spark if hasattr(spark, "read") else ArrowTables(spark)
    results = []
    with duckdb.connect(":memory:") as con:
        con.execute("set TimeZone = 'UTC'")
        con.execute(f"attach '{db_path}' as duck (read_only)")
        listed = ", ".join(f"'{s}'" for s in schemas)
        names = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            f"where table_catalog = 'duck' and table_schema in ({listed}) "
            "and table_type in ('BASE TABLE', 'VIEW') order by 1"
        ).fetchall()
        duck_tables = [name for (name,) in names]
        wanted = [n for n in source.names if n.split(".")[0] in schemas]
        for table in sorted(set(duck_tables) | set(wanted)):
            if table not in wanted:
                rows = _count(con, f"duck.{table}")
                results.append(TableComparison(table, rows, None, ["missing on Spark"]))
            elif table not in duck_tables:
                results.append(
                    TableComparison(table, None, source.count(table), ["missing on DuckDB"])
                )
            else:
                results.append(_compare_in_chunks(con, table, source, chunk_rows))
    return results


def _count(con, relation: str) -> int:
    # fetchall, not fetchone: from DuckDB 2 a result left unread keeps the connection
    # busy for register() and sql()
    return con.execute(f"select count(*) from {relation}").fetchall()[0][0]


def _columns(con, table: str) -> list[tuple[str, str]]:
    schema, name = table.split(".")
    return con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = 'duck' and table_schema = ? and table_name = ? "
        "order by ordinal_position",
        [schema, name],
    ).fetchall()


def chunk_column(columns: list[tuple[str, str]]) -> str | None:
    """The column a big table is compared by, a month at a time: the month partition
    (month_start_date) if there is one, else the first date or timestamp column."""
    dated = [c for c, t in columns if t in DATE_TYPES]
    return "month_start_date" if "month_start_date" in dated else next(iter(dated), None)


def _compare_in_chunks(con, table: str, source, chunk_rows: int) -> TableComparison:
    duck_rows = _count(con, f"duck.{table}")
    spark_rows = source.count(table)
    column = chunk_column(_columns(con, table))
    if max(duck_rows, spark_rows) <= chunk_rows or column is None:
        return _compare_table(con, table, source.read(table))
    months = [m for (m,) in con.execute(
        f'select distinct date_trunc(\'month\', "{column}")::date from duck.{table} order by 1'
    ).fetchall()]  # fmt: skip
    # rows of months DuckDB has not (or of none) are found by the counts: both sides
    # are counted whole, and every chunk's rows are compared
    # (unquoted: both engines read the filter, and quote identifiers differently)
    filters = [f"{column} is null"] + [
        f"{column} >= date '{m}' and {column} < date '{m}' + interval 1 month"
        for m in months if m is not None
    ]  # fmt: skip
    result = TableComparison(table, duck_rows, spark_rows,
                             chunks=f"{len(filters)} chunks by month of {column}")  # fmt: skip
    if duck_rows != spark_rows:
        result.problems.append(f"{duck_rows} rows on DuckDB, {spark_rows} on Spark")
        return result
    for where in filters:
        chunk = _compare_table(con, table, source.read(table, where), where)
        result.problems += [f"{where}: {p}" for p in chunk.problems]
    return result


def _compare_table(con, table: str, arrow_table, where: str = "true") -> TableComparison:
    columns = _columns(con, table)
    duck_rows = _count(con, f"duck.{table} where {where}")
    result = TableComparison(table, duck_rows, arrow_table.num_rows)
    duck_names = [c.lower() for c, _ in columns]
    spark_names = [c.lower() for c in arrow_table.column_names]
    if sorted(duck_names) != sorted(spark_names):
        only_duck = sorted(set(duck_names) - set(spark_names))
        only_spark = sorted(set(spark_names) - set(duck_names))
        result.problems.append(f"columns differ: only DuckDB {only_duck}, only Spark {only_spark}")
        return result
    if duck_rows != arrow_table.num_rows:
        result.problems.append(f"{duck_rows} rows on DuckDB, {arrow_table.num_rows} on Spark")
        return result

    by_lower = {c.lower(): c for c, _ in columns}
    con.register("spark_arrow", arrow_table.rename_columns([by_lower[c] for c in spark_names]))
    columns = [(c, t) for c, t in columns if c not in BUILD_TIME_COLUMNS]
    exact = [(c, t) for c, t in columns if t not in FLOAT_TYPES]
    floats = [c for c, t in columns if t in FLOAT_TYPES]
    # Spark's columns in DuckDB's types: timestamps come as UTC instants, ints as int32
    typed = ", ".join(f'cast("{c}" as {t}) as "{c}"' for c, t in columns)
    order = ", ".join(f'"{c}"' for c in [c for c, _ in exact] + floats)
    untyped = ", ".join(f'"{c}"' for c, _ in columns)
    for side, source in (("d", f"duck.{table} where {where}"), ("s", "spark_arrow")):
        select = untyped if side == "d" else typed
        con.execute(
            f"create or replace temp table side_{side} as select *, row_number() over "
            f"(order by {order}) as pair_ from (select {select} from {source})"
        )

    def rtol(column: str) -> float:
        return CLV_RTOL if (table, column) in FROM_CLV_MODELS else tolerance(table)

    checks = [
        f'(d."{c}" is null) <> (s."{c}" is null) or abs(d."{c}" - s."{c}") > '
        f"{ROUNDED_FROM_FLOATS[(table, c)]}"
        if (table, c) in ROUNDED_FROM_FLOATS
        else f'd."{c}" is distinct from s."{c}"'
        for c, _ in exact
    ] + [
        f'(d."{c}" is null) <> (s."{c}" is null) or abs(d."{c}" - s."{c}") > '
        f'{rtol(c)} * greatest(abs(d."{c}"), abs(s."{c}")) + 1e-12'
        for c in floats
    ]
    for (column, _), check in zip(exact + [(c, None) for c in floats], checks, strict=True):
        bad, example = con.execute(
            f"select count(*), any_value(d.\"{column}\"::varchar || ' <> ' || "
            f's."{column}"::varchar) from side_d d join side_s s using (pair_) where {check}'
        ).fetchall()[0]
        if bad:
            result.problems.append(f"{column}: {bad} rows differ (e.g. {example})")
    con.unregister("spark_arrow")
    return result


def report(results: list[TableComparison]) -> str:
    """One line per table."""
    lines = []
    for r in results:
        rows = r.duckdb_rows if r.duckdb_rows is not None else r.spark_rows
        status = "equal" if r.equal else "DIFFERENT: " + "; ".join(r.problems)
        chunks = f" ({r.chunks})" if r.chunks else ""
        lines.append(f"{r.table}: {rows:,} rows{chunks}, {status}")
    return "\n".join(lines)
