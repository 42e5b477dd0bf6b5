"""`loyalty compare-engines`' rules, on hand-made tables (no Spark needed)."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from loyalty_warehouse.compare import engines


def _warehouse(path, predicted_clv, aov):
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.dim_customers (customer_id varchar, "
            "predicted_clv decimal(38, 2), aov decimal(18, 2), p_alive double)"
        )
        con.executemany(
            "insert into marts.dim_customers values (?, ?, ?, ?)",
            [
                (f"C{i}", clv, a, 0.5)
                for i, (clv, a) in enumerate(zip(predicted_clv, aov, strict=True))
            ],
        )


def _spark_side(predicted_clv, aov, p_alive=0.5):
    from decimal import Decimal

    return {
        "marts.dim_customers": pa.table(
            {
                "customer_id": [f"C{i}" for i in range(len(aov))],
                "predicted_clv": pa.array(
                    [Decimal(str(v)) for v in predicted_clv], pa.decimal128(38, 2)
                ),
                "aov": pa.array([Decimal(str(v)) for v in aov], pa.decimal128(18, 2)),
                "p_alive": [p_alive] * len(aov),
            }
        )  # fmt: skip
    }


def test_a_half_cent_of_predicted_clv_may_round_either_way_but_money_may_not(tmp_path):
    db = tmp_path / "w.duckdb"
    _warehouse(db, [171.24, 10.00], [130.82, 5.00])
    # predicted CLV one cent apart (a half-cent tie tipped by float noise): equal
    (same,) = engines.compare(db, _spark_side([171.25, 10.00], [130.82, 5.00]), ("marts",))
    assert same.equal, same.problems
    # two cents apart is a different prediction
    (clv,) = engines.compare(db, _spark_side([171.26, 10.00], [130.82, 5.00]), ("marts",))
    assert clv.problems == ["predicted_clv: 1 rows differ (e.g. 171.24 <> 171.26)"]
    # an order value computed in SQL must be equal to the cent
    (aov,) = engines.compare(db, _spark_side([171.24, 10.00], [130.83, 5.00]), ("marts",))
    assert aov.problems == ["aov: 1 rows differ (e.g. 130.82 <> 130.83)"]
    # P(alive), a CLV model's prediction, within the CLV tolerance (1e-6), not more
    (near,) = engines.compare(
        db, _spark_side([171.24, 10.00], [130.82, 5.00], 0.5 * (1 + 1e-8)), ("marts",)
    )
    assert near.equal
    (far,) = engines.compare(
        db, _spark_side([171.24, 10.00], [130.82, 5.00], 0.5 * (1 + 1e-5)), ("marts",)
    )
    assert far.problems and far.problems[0].startswith("p_alive: 2 rows differ")


def test_a_big_table_is_compared_a_month_at_a_time(tmp_path):
    """Past chunk_rows, a table is read a month of its first date column at a time:
    equal tables are equal chunk by chunk, and a row moved to another month (same
    count, same values elsewhere) is found in its month."""
    from datetime import date

    db = tmp_path / "w.duckdb"
    days = [date(2024, 1, 5), date(2024, 1, 20), date(2024, 2, 3), None]
    with duckdb.connect(str(db)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.fct_orders (order_id varchar, ordered_on date)")
        con.executemany("insert into marts.fct_orders values (?, ?)",
                        [(f"O{i}", d) for i, d in enumerate(days)])  # fmt: skip
    spark = {"marts.fct_orders": pa.table({"order_id": [f"O{i}" for i in range(4)],
                                           "ordered_on": days})}  # fmt: skip
    (same,) = engines.compare(db, spark, ("marts",), chunk_rows=2)
    assert same.equal, same.problems
    assert same.chunks == "3 chunks by month of ordered_on"  # null, January, February
    (whole,) = engines.compare(db, spark, ("marts",))
    assert whole.equal and whole.chunks == ""
    moved = [date(2024, 1, 5), date(2024, 2, 20), date(2024, 2, 3), None]
    spark = {"marts.fct_orders": pa.table({"order_id": [f"O{i}" for i in range(4)],
                                           "ordered_on": moved})}  # fmt: skip
    (differs,) = engines.compare(db, spark, ("marts",), chunk_rows=2)
    assert [p.split(":")[0] for p in differs.problems] == [
        "ordered_on >= date '2024-01-01' and ordered_on < date '2024-01-01' + interval 1 month",
        "ordered_on >= date '2024-02-01' and ordered_on < date '2024-02-01' + interval 1 month",
    ], differs.problems
