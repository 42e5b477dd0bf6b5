"""Comparing builds table by table: Spark against DuckDB, two commits, two DuckDB files.

engines.py compares a Spark build with a DuckDB one (`loyalty compare-engines`);
marts.py two DuckDB files' tables; commits.py builds another commit and this checkout
on one export and compares them (`loyalty compare-commits`), through spark_copy.py on
Spark.
"""

from loyalty_warehouse.compare.marts import compare_marts, compare_tables

__all__ = ["compare_marts", "compare_tables"]
