"""Two DuckDB builds' tables, table by table: their columns, types and every row."""

from __future__ import annotations

from pathlib import Path

from loyalty_warehouse.compare.engines import BUILD_TIME_COLUMNS, SCHEMAS


def compare_tables(first: Path, second: Path, schemas=SCHEMAS) -> dict[str, tuple[int, int, str]]:
    """{"schema.table": (rows in second, rows not in both, what else differs)} for every
    table of the schemas in either file. The columns that say when and how a build ran
    (engines.BUILD_TIME_COLUMNS) are left out; a table missing on one side, or with
    other columns or types, is said in the third field."""
    import duckdb

    out = {}
    with duckdb.connect(":memory:") as con:
        con.execute(f"attach '{first}' as a (read_only)")
        con.execute(f"attach '{second}' as b (read_only)")
        listed = ", ".join(f"'{s}'" for s in schemas)

        def columns(catalog: str) -> dict[str, list[tuple[str, str]]]:
            found: dict[str, list[tuple[str, str]]] = {}
            for table, column, kind in con.execute(
                "select table_schema || '.' || table_name, column_name, data_type "
                f"from information_schema.columns where table_catalog = '{catalog}' "
                f"and table_schema in ({listed}) order by table_name, ordinal_position"
            ).fetchall():
                found.setdefault(table, []).append((column, kind))
            return found

        a, b = columns("a"), columns("b")
        for table in sorted(set(a) | set(b)):
            if table not in a or table not in b:
                side = "first" if table not in a else "second"
                out[table] = (len(b.get(table, [])), 0, f"missing in the {side} build")
                continue
            rows = con.execute(f"select count(*) from b.{table}").fetchone()[0]
            if a[table] != b[table]:
                out[table] = (rows, 0, f"columns differ: {sorted(set(a[table]) ^ set(b[table]))}")
                continue
            kept = ", ".join(f'"{c}"' for c, _ in a[table] if c not in BUILD_TIME_COLUMNS)
            differing = con.execute(
                f"select count(*) from ((select {kept} from a.{table} except all "
                f"select {kept} from b.{table}) union all (select {kept} from b.{table} "
                f"except all select {kept} from a.{table}))"
            ).fetchone()[0]
            out[table] = (rows, differing, "")
    return out


def compare_marts(first: Path, second: Path) -> dict[str, tuple[int, int]]:
    """{mart: (rows in second, rows not in both)}; a mart that differs in its columns
    counts every row."""
    return {
        table.split(".", 1)[1]: (rows, differing if not other else max(rows, 1))
        for table, (rows, differing, other) in compare_tables(first, second, ("marts",)).items()
    }
