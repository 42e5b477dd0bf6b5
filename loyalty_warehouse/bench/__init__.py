"""`loyalty bench`: time and measure the pipeline on generated data (BENCHMARKS.md).

measure.py runs and times one step; workspace.py holds a run's folder, environment
and exports; builds.py is the DuckDB bench of a size (and every size of the table),
with publish.py and clv_peers.py (the CLV models against lifetimes); spark.py the
DuckDB-and-Spark bench; tables.py what is printed; compare.py two builds' tables,
which commits.py (`loyalty compare-commits`) uses on two commits' builds.
"""

from loyalty_warehouse.bench.builds import run, run_sizes
from loyalty_warehouse.bench.compare import compare_marts
from loyalty_warehouse.bench.measure import not_passed
from loyalty_warehouse.bench.spark import run_spark
from loyalty_warehouse.bench.tables import print_result, sizes_table

__all__ = [
    "compare_marts", "not_passed", "print_result", "run", "run_sizes", "run_spark",
    "sizes_table",
]  # fmt: skip
