"""`loyalty compare-engines`' rules, on hand-made tables (no Spark needed)."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from loyalty_warehouse import engines


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
    # doubles within 1e-9 relative, not more
    (near,) = engines.compare(
        db, _spark_side([171.24, 10.00], [130.82, 5.00], 0.5 * (1 + 1e-12)), ("marts",)
    )
    assert near.equal
    (far,) = engines.compare(
        db, _spark_side([171.24, 10.00], [130.82, 5.00], 0.5 * (1 + 1e-6)), ("marts",)
    )
    assert far.problems and far.problems[0].startswith("p_alive: 2 rows differ")
