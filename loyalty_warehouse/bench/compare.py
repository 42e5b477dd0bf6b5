"""Two DuckDB builds' marts, table by table."""

from __future__ import annotations

from pathlib import Path


def compare_marts(first: Path, second: Path) -> dict[str, tuple[int, int]]:
    """{mart: (rows in second, rows not in both)} for every table of second's marts."""
    import duckdb

    out = {}
    with duckdb.connect(":memory:") as con:
        con.execute(f"attach '{first}' as a (read_only)")
        con.execute(f"attach '{second}' as b (read_only)")
        names = con.execute(
            "select table_name from information_schema.tables "
            "where table_catalog = 'b' and table_schema = 'marts' order by 1"
        ).fetchall()
        marts = [name for (name,) in names]
        for mart in marts:
            rows = con.execute(f"select count(*) from b.marts.{mart}").fetchall()[0][0]
            # build_info says when each build ran: compared on what it built
            columns = "as_of_date, project_name" if mart == "build_info" else "*"
            diff = con.execute(
                f"select count(*) from ((select {columns} from a.marts.{mart} except all "
                f"select {columns} from b.marts.{mart}) union all (select {columns} from "
                f"b.marts.{mart} except all select {columns} from a.marts.{mart}))"
            ).fetchall()[0][0]
            out[mart] = (rows, diff)
    return out
