"""The order numbering of int_orders_sequenced at ten million customers, on its own:
the narrow window over the purchases joined back to the orders, against one window
over every order partitioned by (customer, is a purchase), each on every DuckDB given.

The orders are a bench export's `orders.parquet` ten times over, ids suffixed (the
1M export gives 96 million orders of ten million customers, distributed as the
generator distributes them); the profile's memory limit (10 GB), no insertion order,
a spill folder, both cores. Each query writes its table, as the model does; its
wall time and the peak resident memory of its process are printed, with a checksum
of the numbers that both must give. BENCHMARKS.md, "Design decisions", quotes it (a
one-off experiment, kept to rerun that decision on another machine or release, outside
the package: it needs the bench's 1M export and other DuckDB releases' venvs):

    .venv/bin/python scripts/numbering_at_scale.py \\
        target/bench/1000000/day_n/orders.parquet target/numbering .venv/bin/python \\
        target/duckdb-1.4.5-venv/bin/python target/duckdb-1.5.6-venv/bin/python

(the venvs of other DuckDB releases are the ones `loyalty bench --duckdb` makes).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from loyalty_warehouse.bench.measure import run_sampled

FLAGGED = """(select order_id, customer_id, status,
    cast(revenue as decimal(18, 2)) as revenue, cast(cost as decimal(18, 2)) as cost,
    status = 'completed' as is_purchase_status, ordered_at,
    cast(ordered_at as date) as ordered_date,
    status = 'completed' and cast(ordered_at as date) <= date '2025-12-30' as is_purchase
    from orders)"""

QUERIES = {
    "narrow window, joined back": f"""
        with flagged as {FLAGGED},
        numbered_purchases as (
            select order_id, row_number() over w as n, lag(ordered_date) over w as previous
            from flagged where is_purchase
            window w as (partition by customer_id order by ordered_at, order_id))
        select flagged.*, numbered_purchases.n, numbered_purchases.previous
        from flagged left join numbered_purchases using (order_id)""",
    "one window over every order": f"""
        with flagged as {FLAGGED}
        select *, case when is_purchase then row_number() over w end as n,
            case when is_purchase then lag(ordered_date) over w end as previous
        from flagged
        window w as (partition by customer_id, is_purchase order by ordered_at, order_id)""",
}

RUN_ONE = """
import sys, time, duckdb
path, query = sys.argv[1], sys.argv[2]
con = duckdb.connect(path, config={"memory_limit": "10GB", "preserve_insertion_order": False,
                                   "temp_directory": path + ".tmp"})
con.execute("create or replace table numbered as " + query)
print(duckdb.__version__, con.execute(
    "select count(*), count(n), sum(n), count(previous) from numbered").fetchone())
"""


def main(orders: Path, folder: Path, pythons: list[str]) -> None:
    import duckdb

    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "orders.duckdb"  # the oldest storage format: every release reads it
    if not source.exists():
        with duckdb.connect(str(source), config={"storage_compatibility_version": "v1.0.0"}) as con:
            con.execute(f"""create table orders as select order_id || '_' || k as order_id,
                customer_id || '_' || k as customer_id, ordered_at, status, revenue, cost
                from read_parquet('{orders}'), range(10) t(k)""")  # fmt: skip
            print(f"{con.execute('select count(*) from orders').fetchone()[0]:,} orders")
    for python in pythons:
        for name, query in QUERIES.items():
            scratch = folder / "numbered.duckdb"
            shutil.copyfile(source, scratch)
            log = folder / "numbering.log"
            log.unlink(missing_ok=True)
            try:
                seconds, peak_mb = run_sampled([python, "-c", RUN_ONE, str(scratch), query],
                                               dict(os.environ), log)  # fmt: skip
                print(f"{python}: {name}: {seconds:.1f} s, peak {peak_mb / 1024:.1f} GB; "
                      f"{log.read_text().strip().splitlines()[-1]}")  # fmt: skip
            except RuntimeError:
                last = log.read_text().strip().splitlines()
                print(f"{python}: {name}: failed: {next((x for x in last if 'Error' in x), '?')}")
            finally:
                scratch.unlink(missing_ok=True)
                shutil.rmtree(f"{scratch}.tmp", ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit("usage: numbering_at_scale ORDERS.parquet FOLDER PYTHON [PYTHON ...]")
    main(
        Path(sys.argv[1]).resolve(),
        Path(sys.argv[2]).resolve(),
        [os.path.abspath(python) for python in sys.argv[3:]],
    )  # a venv's link kept
