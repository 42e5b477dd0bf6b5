"""Any warehouse file name works: the catalog DuckDB derives from the file name is
quoted wherever a relation is named (hyphens, reserved words, leading digits), and
a folder name with a space reaches every tool."""

from __future__ import annotations

import pytest

from conftest import FIXTURES, run_dbt

pytestmark = pytest.mark.dbt


# a reserved word; and a leading digit and hyphens in a folder whose name has a space
@pytest.mark.parametrize("name", ["full.duckdb", "my folder/2026-my-warehouse.duckdb"])
def test_a_build_succeeds_under_any_file_name(tmp_path, name):
    db = tmp_path / name
    db.parent.mkdir(parents=True, exist_ok=True)
    result = run_dbt(FIXTURES / "minimal", db)
    assert result.returncode == 0, result.output
    assert result.query("select count(*) from marts.dim_customers") == [(3,)]
