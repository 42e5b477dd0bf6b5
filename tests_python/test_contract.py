"""The raw-data contract is written twice (dbt vars, Python): keep them equal."""

from __future__ import annotations

import yaml

from conftest import ROOT
from loyalty_warehouse.contract import RAW_TABLES


def test_dbt_vars_match_python_contract():
    project = yaml.safe_load((ROOT / "dbt_project.yml").read_text())
    tables = project["vars"]["raw_tables"]
    assert set(tables) == set(RAW_TABLES)
    for name, spec in RAW_TABLES.items():
        assert tables[name]["required"] == spec.required
        assert tuple(tables[name]["required_columns"]) == spec.required_columns
        assert tuple(tables[name]["optional_columns"]) == spec.optional_columns
        assert tuple(tables[name].get("number_columns", ())) == spec.number_columns


def test_cli_help_explains_generate():
    from typer.testing import CliRunner

    from loyalty_warehouse.cli import app

    result = CliRunner().invoke(app, ["generate", "--help"])
    assert result.exit_code == 0
    for option in ("--customers", "--seed", "--out", "--format", "--dirty", "--chunk-customers"):
        assert option in result.output


def test_cli_help_lists_every_command_in_one_line_each():
    """`loyalty --help` names every command with a one-sentence summary (the first
    paragraph of its docstring), so the list reads at a glance."""
    from typer.main import get_command
    from typer.testing import CliRunner

    from loyalty_warehouse.cli import app

    commands = get_command(app).commands
    assert set(commands) >= {"generate", "build", "validate", "query", "dashboard", "bench"}
    output = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200"}).output
    for name, command in commands.items():
        summary = command.help.split("\n\n")[0]
        assert "\n" not in summary.strip(), name
        assert summary.strip() in output, name


def test_known_quarantine_reasons_match_the_contract():
    """The singular test that rejects unknown reasons knows exactly the contract's."""
    import re

    from loyalty_warehouse.contract import QUARANTINE_REASONS

    sql = (ROOT / "tests" / "quarantine" / "assert_quarantine_reasons_are_known.sql").read_text()
    listed = sql[sql.index("set known = [") : sql.index("] %}")]
    known = set(re.findall(r"'([a-z_]+)'", listed))
    assert known == {reason for reasons in QUARANTINE_REASONS.values() for reason in reasons}


def test_every_macro_is_documented_once():
    """Each macro in macros/ has an entry in macros/_macros.yml (an adapter's version
    of a dispatched macro, `<adapter>__<name>`, is covered by `<name>`'s entry), and
    that entry is its only description: no comment block right above its definition
    (a file's opening comment, a blank line before the first macro, says what the
    file holds; an adapter's version may say why it differs)."""
    import re

    documented = {
        m["name"] for m in yaml.safe_load((ROOT / "macros" / "_macros.yml").read_text())["macros"]
    }
    defined, described_twice = set(), set()
    for path in (ROOT / "macros").rglob("*.sql"):
        text = path.read_text()
        defined |= set(re.findall(r"{%-?\s*macro\s+(\w+)\s*\(", text))
        defined |= {f"test_{name}" for name in re.findall(r"{%-?\s*test\s+(\w+)\s*\(", text)}
        for kind, name in re.findall(r"#}[ \t]*\n?[ \t]*{%-?\s*(macro|test)\s+(\w+)\s*\(", text):
            name = name if kind == "macro" else f"test_{name}"
            if name in documented:
                described_twice.add(name)
    assert described_twice == set()
    undocumented = {
        name
        for name in defined
        if name not in documented and name.split("__", 1)[-1] not in documented
    }
    assert undocumented == set()


def test_every_unit_test_lives_beside_its_model():
    """A unit test is in the yml file that documents the model it tests."""
    found = 0
    for path in (ROOT / "models").rglob("*.yml"):
        document = yaml.safe_load(path.read_text()) or {}
        documented = {model["name"] for model in document.get("models", [])}
        for test in document.get("unit_tests", []):
            assert test["model"] in documented, f"{test['name']} in {path.name}"
            found += 1
    assert found >= 10


def _table_problems(text: str) -> list[str]:
    """Markdown tables that would not render as one table: a row after a blank line
    that does not start a new table (header, then |---|), or a row whose cell count
    differs from its header's."""
    problems, lines = [], text.splitlines()
    in_code, columns = False, None
    for i, line in enumerate(lines):
        if line.startswith("```"):
            in_code = not in_code
        if in_code or not line.startswith("|"):
            columns = None
            continue
        cells = line.strip().count("|") - line.count("\\|") - 1
        if columns is None:  # a table starts: this is its header
            below = lines[i + 1] if i + 1 < len(lines) else ""
            if (
                not below.startswith("|--")
                and not below.startswith("|:-")
                and not (below.startswith("|---:"))
            ):
                problems.append(f"line {i + 1}: a table row outside a table: {line[:60]}")
            columns = cells
        elif not set(line) <= set("|-: ") and cells != columns:
            problems.append(f"line {i + 1}: {cells} cells, its header has {columns}")
    return problems


def test_readme_and_docs_tables_render_as_tables():
    pages = [ROOT / "README.md", ROOT / "BENCHMARKS.md", *sorted((ROOT / "docs").glob("*.md"))]
    for page in pages:
        assert _table_problems(page.read_text()) == [], page.name
    # the checker itself: a row cut off from its table by a blank line is found
    broken = "| a | b |\n|---|---|\n| 1 | 2 |\n\n| 3 | 4 |\n"
    assert _table_problems(broken) == ["line 5: a table row outside a table: | 3 | 4 |"]


def test_the_docs_speak_of_the_project_only():
    """No page points at the tracker's issues or at who measured when."""
    import re

    for page in [ROOT / "README.md", ROOT / "BENCHMARKS.md", *(ROOT / "docs").glob("*.md")]:
        text = page.read_text().lower()
        assert not re.search(r"\bissues?\b|\b(this|last|earlier) session\b", text), page.name
