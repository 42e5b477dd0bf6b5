"""`loyalty bench`: time and measure the pipeline on generated data (BENCHMARKS.md).

measure.py runs and times one step; workspace.py holds a run's folder, environment
and exports; builds.py is the DuckDB bench of a size (and every size of the table),
with publish.py and clv_peers.py (the CLV models against lifetimes); spark.py the
DuckDB-and-Spark bench; variants.py the same builds with another commit or DuckDB
release; tables.py what is printed. peers/ holds the scripts run in the peers' own
virtual environments (lifetimes, pymc-marketing). Builds are compared with
loyalty_warehouse.compare.
"""

from loyalty_warehouse.bench.builds import run, run_sizes
from loyalty_warehouse.bench.measure import not_passed
from loyalty_warehouse.bench.spark import run_spark
from loyalty_warehouse.bench.tables import print_result, sizes_table

__all__ = [
    "not_passed", "print_result", "run", "run_sizes", "run_spark", "sizes_table",
]  # fmt: skip
