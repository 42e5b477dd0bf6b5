"""What a build made, in a few lines: printed at the end of `loyalty build`.

The warehouse file, the as-of date the build used, every mart's rows, the raw rows
quarantined per table and what to do next. Read from the warehouse itself (read-only),
so it says what is there, not what dbt meant to build.
"""

from __future__ import annotations

from pathlib import Path

from loyalty_warehouse.contract import RAW_TABLES

NEXT_STEPS = (
    ("query it", '.venv/bin/loyalty query{db_option} "select * from marts.fct_retention_monthly"'),
    ("open the dashboard", "make dashboard"),
    ("read the docs", "make docs, then open target/index.html"),
)


def facts(db: Path) -> dict:
    """{as_of_date, as_of_source, marts: {name: rows}, quarantined: {table: rows}}."""
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        marts = [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'marts' and table_type in ('BASE TABLE', 'VIEW') "
                "order by table_name"
            ).fetchall()
        ]
        rows = {m: con.execute(f'select count(*) from marts."{m}"').fetchone()[0] for m in marts}
        as_of, source = con.execute(
            "select as_of_date, as_of_date_source from staging.base_raw__as_of_date"
        ).fetchone()
        quarantined = dict.fromkeys(RAW_TABLES, 0)
        quarantined.update(
            con.execute(
                "select source_table, count(*) from quarantine.quarantined_rows group by 1"
            ).fetchall()
        )
    return {"as_of_date": as_of, "as_of_source": source, "marts": rows,
            "quarantined": quarantined}  # fmt: skip


def text(db: Path) -> str:
    """The summary as plain lines (no colours: it is read in CI logs too)."""
    from loyalty_warehouse.paths import DEFAULT_WAREHOUSE, published_path

    f = facts(db)
    published = published_path(db)
    default = published_path(Path(DEFAULT_WAREHOUSE))
    db_option = "" if published == default else f" --db {published}"
    width = max(len(name) for name in f["marts"]) if f["marts"] else 10
    lines = [
        "",
        f"Built {db.resolve()}",
        f"As of {f['as_of_date']} ({f['as_of_source']})",
        "",
        "Marts (schema marts):",
        *(f"  {name:<{width}}  {rows:>12,} rows" for name, rows in f["marts"].items()),
        "",
        "Quarantined raw rows (quarantine.quarantined_rows, with their reasons):",
        *(f"  {table:<{width}}  {rows:>12,}" for table, rows in f["quarantined"].items()),
        "",
        "Next:",
        *(f"  {what:<19} {how.format(db_option=db_option)}" for what, how in NEXT_STEPS),
    ]
    return "\n".join(lines)
