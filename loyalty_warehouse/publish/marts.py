"""What both publishes read off the working warehouse: the marts' tables, primary keys
and comments, the comments made plain for BI readers."""

from __future__ import annotations

import json
import re
from pathlib import Path

SCHEMA = "marts"


def primary_keys(manifest: Path) -> dict[str, list[str]]:
    """{mart: key columns}, read off the data tests of dbt's manifest: the column with
    both a unique and a not_null test, else the columns of a unique_combination test."""
    if not manifest.exists():
        return {}
    nodes = json.loads(manifest.read_text())["nodes"].values()
    models = {n["unique_id"]: n["name"] for n in nodes if n["resource_type"] == "model"
              and n["config"].get("schema") == SCHEMA}  # fmt: skip
    tests: dict[str, dict[str, set]] = {}
    for node in nodes:
        if node["resource_type"] != "test" or not node.get("attached_node"):
            continue
        model = models.get(node["attached_node"])
        metadata = node.get("test_metadata") or {}
        if model is None:
            continue
        found = tests.setdefault(model, {"unique": set(), "not_null": set(), "combos": set()})
        name, column = metadata.get("name"), node.get("column_name")
        if name in ("unique", "not_null") and column:
            found[name].add(column)
        elif name == "unique_combination":
            columns = metadata.get("kwargs", {}).get("columns") or []
            found["combos"].add(tuple(columns))
    keys = {}
    for model, found in tests.items():
        single = sorted(found["unique"] & found["not_null"])
        if single:
            keys[model] = [single[0]]
        elif found["combos"]:
            keys[model] = list(sorted(found["combos"])[0])
    return keys


def marts_tables(con, catalog: str, schema: str = SCHEMA) -> list[str]:
    """The tables and views of the marts schema (or another) of an attached catalog, by
    name (a snapshot holds each as a table; the working warehouse keeps fct_orders a
    view)."""
    return [
        name
        for (name,) in con.execute(
            "select table_name from information_schema.tables where table_catalog = ? "
            "and table_schema = ? and table_type in ('BASE TABLE', 'VIEW') order by 1",
            [catalog, schema],
        ).fetchall()
    ]


def comments(
    con, catalog: str, schema: str = SCHEMA
) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """({table: comment}, {(table, column): comment}) of the marts (or another schema)
    of a catalog."""
    tables = dict(con.execute(
        "select table_name, comment from duckdb_tables() where database_name = $1 "
        "and schema_name = $2 and comment is not null union all "
        "select view_name, comment from duckdb_views() where database_name = $1 "
        "and schema_name = $2 and comment is not null", [catalog, schema]).fetchall())  # fmt: skip
    columns = {
        (t, c): comment
        for t, c, comment in con.execute(
            "select table_name, column_name, comment from duckdb_columns() "
            "where database_name = ? and schema_name = ? and comment is not null",
            [catalog, schema],
        ).fetchall()
    }
    return tables, columns


# what a BI reader's comment leaves out of dbt's richer description: markdown,
# citations of the source articles ("as article 002 line 76 defines", "(000 lines
# 748-753)") and pages of the repository (docs/marts.md)
_LINES = r"lines? \d+(?:[-–]\d+)?(?:\s*,\s*\d+(?:[-–]\d+)?)*"
_PLAIN = (
    (re.compile(r"\[([^\]]+)\]\([^)]+\)"), r"\1"),  # [text](url)
    (re.compile(r"\*\*([^*]+)\*\*"), r"\1"),  # **bold**
    (re.compile(r"(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])"), r"\1"),  # *emphasis*
    (re.compile(r"`([^`]*)`"), r"\1"),  # `code`
    (re.compile(r"^#+\s*", re.MULTILINE), ""),  # headings
    (re.compile(r"\bthe articles' "), "the "),  # "the articles' CRR": the CRR
    (
        re.compile(
            r",?\s*(?:as |of |in |at |from )?articles? \d{3}"
            r"(?:\s*\((?:at )?" + _LINES + r"\)|\s+(?:at )?" + _LINES + r")?"
            r"(?:\s+(?:defines(?: it)?|does(?: at line \d+)?))?"
        ),
        "",
    ),  # fmt: skip
    (re.compile(r"(?:\s+and\s+)?\b\d{3} " + _LINES + r"(?:\s+and\s+\d{3} " + _LINES + r")*:?"), ""),
    # a sentence about the articles themselves ("The articles' other formulas are
    # wrong"): for the readers of dbt docs only
    (re.compile(r"(?:^|(?<=[.!?]\s))[^.!?]*\b[Aa]rticles?\b[^.!?]*[.!?]\s*"), ""),
    (re.compile(r"\s*\(\s*(?:see\s+)?docs/[^()]*\)"), ""),
    (re.compile(r",?\s*(?:see |as in |in )?docs/[\w./#-]+"), ""),
    (re.compile(r"\(\s*[,;:]?\s*\)"), ""),  # what the citations left empty
    (re.compile(r"\(\s*[,;:]?\s*"), "("),
    (re.compile(r"\s+"), " "),
    (re.compile(r"\s+([,.;:)])"), r"\1"),
)


def plain_comment(text: str) -> str:
    """A column's or table's description as BI readers get it: plain sentences, no
    markdown, no citations of articles or of pages a BI user does not have (dbt docs
    keep the richer text)."""
    for pattern, replacement in _PLAIN:
        text = pattern.sub(replacement, text)
    return text.strip()
