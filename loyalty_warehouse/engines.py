"""Compare the tables of a Spark build with those of a DuckDB build of the same data.

`loyalty compare-engines --db warehouse.duckdb --target spark` reads every table of
the `marts` and `quarantine` schemas from the Spark target (as Arrow) and from the
DuckDB file, and checks them row for row:

- the same tables, columns (Spark's column names are case-insensitive: `T` is `t`)
  and row counts;
- every column that is not a floating-point number (keys, counts, categories, dates,
  timestamps, money as decimals, JSON text) exactly equal;
- floating-point columns within a relative tolerance: 1e-9, and 1e-6 in the CLV
  tables (`clv_*`), whose parameters come out of a numerical optimiser that sums the
  same numbers in the order each engine hands them over;
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
# decimals rounded from a model's floating-point result, and the rounding unit
ROUNDED_FROM_FLOATS = {("marts.dim_customers", "predicted_clv"): 0.01}


@dataclass
class TableComparison:
    table: str
    duckdb_rows: int | None
    spark_rows: int | None
    problems: list[str] = field(default_factory=list)

    @property
    def equal(self) -> bool:
        return not self.problems


def tolerance(table: str) -> float:
    """The relative tolerance for a table's floating-point columns."""
    return CLV_RTOL if table.split(".")[-1].startswith("clv_") else DOUBLE_RTOL


def spark_tables(spark, schemas=SCHEMAS) -> dict:
    """{"schema.table": pyarrow.Table} for every table of the schemas in a session."""
    out = {}
    for schema in schemas:
        for table in spark.catalog.listTables(schema):
            if table.tableType == "VIEW":
                continue
            out[f"{schema}.{table.name}"] = spark.table(f"{schema}.{table.name}").toArrow()
    return out


def compare(db_path: Path, spark: dict, schemas=SCHEMAS) -> list[TableComparison]:
    """Compare the DuckDB file's tables of the schemas with the Arrow tables of Spark."""
    import duckdb

    results = []
    with duckdb.connect(":memory:") as con:
        con.execute("set TimeZone = 'UTC'")
        con.execute(f"attach '{db_path}' as duck (read_only)")
        listed = ", ".join(f"'{s}'" for s in schemas)
        names = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            f"where table_catalog = 'duck' and table_schema in ({listed}) "
            "and table_type = 'BASE TABLE' order by 1"
        ).fetchall()
        duck_tables = [name for (name,) in names]
        for table in sorted(set(duck_tables) | set(spark)):
            if table not in spark:
                rows = con.execute(f"select count(*) from duck.{table}").fetchone()[0]
                results.append(TableComparison(table, rows, None, ["missing on Spark"]))
            elif table not in duck_tables:
                results.append(
                    TableComparison(table, None, spark[table].num_rows, ["missing on DuckDB"])
                )
            else:
                results.append(_compare_table(con, table, spark[table]))
    return results


def _compare_table(con, table: str, arrow_table) -> TableComparison:
    schema, name = table.split(".")
    columns = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = 'duck' and table_schema = ? and table_name = ? "
        "order by ordinal_position",
        [schema, name],
    ).fetchall()
    duck_rows = con.execute(f"select count(*) from duck.{table}").fetchone()[0]
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
    for side, source in (("d", f"duck.{table}"), ("s", "spark_arrow")):
        select = untyped if side == "d" else typed
        con.execute(
            f"create or replace temp table side_{side} as select *, row_number() over "
            f"(order by {order}) as pair_ from (select {select} from {source})"
        )
    rtol = tolerance(table)
    checks = [
        f'(d."{c}" is null) <> (s."{c}" is null) or abs(d."{c}" - s."{c}") > '
        f"{ROUNDED_FROM_FLOATS[(table, c)]}"
        if (table, c) in ROUNDED_FROM_FLOATS
        else f'd."{c}" is distinct from s."{c}"'
        for c, _ in exact
    ] + [
        f'(d."{c}" is null) <> (s."{c}" is null) or abs(d."{c}" - s."{c}") > '
        f'{rtol} * greatest(abs(d."{c}"), abs(s."{c}")) + 1e-12'
        for c in floats
    ]
    for (column, _), check in zip(exact + [(c, None) for c in floats], checks, strict=True):
        bad, example = con.execute(
            f"select count(*), any_value(d.\"{column}\"::varchar || ' <> ' || "
            f's."{column}"::varchar) from side_d d join side_s s using (pair_) where {check}'
        ).fetchone()
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
        lines.append(f"{r.table}: {rows:,} rows, {status}")
    return "\n".join(lines)
