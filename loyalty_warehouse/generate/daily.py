"""Raw folders for a daily build: the data as exported on one day, and on the next.

`split_days(source, day, first, second, order=...)` writes two raw folders from one:

- ``first``: every row dated on or before ``day``, except a share of the rows of the
  day before it, held back to arrive late;
- ``second``: the rows of ``first``, the held-back rows and the rows dated
  ``day + 1``: the next day's export of a table that only grows.

How the next day's rows sit in the export depends on ``order``:

- ``"appended"``: each file keeps its rows in the source's order, and the next day's
  rows (late ones included) come after the rows of ``first``;
- ``"by_customer"``: both exports are sorted by customer id, as most database dumps
  are, so the next day's rows sit among the old ones and most rows move.

The exchange rates arrive whole: none is held back, since an order converts at the
latest rate on or before its day and a late rate would change orders already built.

The incremental test and ``loyalty bench`` build ``first`` fully, then ``second``
incrementally, and compare with a full build of ``second``.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb

# the timestamp that dates each raw table's rows
DATED_BY = {
    "customers": "signed_up_at",
    "orders": "ordered_at",
    "survey_responses": "responded_at",
    "referral_offers": "offered_at",
    "refunds": "refunded_at",
    "exchange_rates": "rate_date",
}
# how a dump sorted by customer sorts the tables without a customer
BY_CUSTOMER = {"refunds": "order_id, refund_id", "exchange_rates": "currency, rate_date"}
ORDERS = ("appended", "by_customer")


def split_days(
    source: Path,
    day: date,
    first: Path,
    second: Path,
    late_every: int = 10,
    order: str = "appended",
) -> dict[str, tuple[int, int]]:
    """Write the two folders; returns {table: (rows in first, rows in second)}.

    late_every: one row in that many of the day before ``day`` arrives late (0: none).
    """
    if order not in ORDERS:
        raise ValueError(f"order must be one of {', '.join(ORDERS)}, not {order!r}")
    first.mkdir(parents=True, exist_ok=True)
    second.mkdir(parents=True, exist_ok=True)
    counts = {}
    with duckdb.connect() as con:
        con.execute("set memory_limit = '4GB'")
        for table, column in DATED_BY.items():
            files = sorted(source.glob(f"{table}.parquet"))
            if not files:
                continue
            # a view, read twice: ten million customers' orders need not fit in memory
            source_file = str(files[0]).replace("'", "''")
            late = late_every if table != "exchange_rates" else 0
            con.execute(
                f"""
                create or replace temp view rows_ as
                select
                    *,
                    cast(try_cast({column} as timestamp) as date) as _day,
                    (
                        {late} > 0
                        and cast(try_cast({column} as timestamp) as date)
                            = date '{day - timedelta(days=1)}'
                        and file_row_number % {late} = 0
                    ) as _late
                from read_parquet('{source_file}', file_row_number = true)
                """
            )
            keep = "* exclude (_day, _late, file_row_number)"
            in_first = "_day <= ? and not _late"
            if order == "appended":
                sort_first = "file_row_number"
                sort_second = "not (_day <= ? and not _late), file_row_number"
                second_params = [day + timedelta(days=1), day]
            else:
                key = BY_CUSTOMER.get(table, "customer_id")
                sort_first = sort_second = f"{key}, file_row_number"
                second_params = [day + timedelta(days=1)]
            con.execute(
                f"copy (select {keep} from rows_ where {in_first} order by {sort_first}) "
                f"to '{first / files[0].name}' (format parquet)",
                [day],
            )
            con.execute(
                f"copy (select {keep} from rows_ where _late or _day <= ? "
                f"order by {sort_second}) to '{second / files[0].name}' (format parquet)",
                second_params,
            )
            counts[table] = tuple(
                con.execute(
                    f"select count(*) from read_parquet('{folder / files[0].name}')"
                ).fetchall()[0][0]
                for folder in (first, second)
            )
    return counts
