"""The CLV models on Spark: Python table functions over `loyalty_warehouse.clv.tables`.

dbt-spark runs Python models only on Databricks, so on Spark the three CLV marts are
SQL models (models/marts/ltv/spark/) that call these functions, registered in the
Spark session before dbt starts (`loyalty build --target spark` does it). Each takes
its whole input table in one partition (`TABLE(...) WITH SINGLE PARTITION`) as Arrow
batches, calls the same function as the DuckDB model and returns its Arrow table, so
both engines compute the same numbers with the same code.
"""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.compute as pc

# the function names the SQL models call
PARAMS_FUNCTION = "loyalty_clv_model_params"
PREDICTIONS_FUNCTION = "loyalty_clv_customer_predictions"
HOLDOUT_FUNCTION = "loyalty_clv_holdout_validation"


def _ddl(schema: pa.Schema) -> str:
    """A Spark DDL struct for an Arrow schema of the CLV tables."""
    names = {
        pa.string(): "string",
        pa.float64(): "double",
        pa.int64(): "bigint",
        pa.bool_(): "boolean",
        pa.date32(): "date",
    }
    return ", ".join(f"`{f.name}` {names[f.type]}" for f in schema)


class _WholeTable:
    """Collects every batch of the input table; the work is done in terminate()."""

    def __init__(self) -> None:
        self.batches: list[pa.RecordBatch] = []
        self.arguments: list = []

    def eval(self, batch: pa.RecordBatch, *arguments):
        self.batches.append(batch)
        # scalar arguments arrive as arrays, one value per row: keep the first
        self.arguments = [a[0].as_py() if len(a) else None for a in arguments]
        return iter(())

    def table(self, schema: pa.Schema | None = None) -> pa.Table:
        if self.batches:
            return pa.Table.from_batches(self.batches)
        return schema.empty_table() if schema is not None else pa.table({})


def register(spark) -> None:
    """Register the three CLV table functions in a Spark session."""
    from pyspark.sql.functions import arrow_udtf

    from loyalty_warehouse.clv import tables as t

    @arrow_udtf(returnType=_ddl(t.PARAMS_SCHEMA))
    class ModelParams(_WholeTable):
        def terminate(self):
            # the SQL model adds one padding row, so that Spark calls this at all
            summary = self.table()
            if "is_padding" in summary.column_names:
                summary = summary.filter(pc.invert(summary["is_padding"]))
                summary = summary.drop_columns(["is_padding"])
            if summary.num_rows == 0:
                summary = pa.table({
                    "x": pa.array([], pa.float64()), "t_x": pa.array([], pa.float64()),
                    "T": pa.array([], pa.float64()), "m_x": pa.array([], pa.float64()),
                    "calibration_end": pa.array([], pa.date32()),
                    "time_unit_days": pa.array([], pa.float64()),
                })  # fmt: skip
            yield t.model_params(summary)

    @arrow_udtf(returnType=_ddl(t.PREDICTIONS_SCHEMA))
    class CustomerPredictions(_WholeTable):
        def terminate(self):
            params_json, horizon_days, annual_discount_rate = self.arguments or [None] * 3
            if not self.batches:
                yield t.PREDICTIONS_SCHEMA.empty_table()
                return
            params = pa.Table.from_pylist(json.loads(params_json or "[]"))
            yield t.customer_predictions(
                self.table(),
                params,
                horizon_days=float(horizon_days),
                annual_discount_rate=float(annual_discount_rate),
            )

    @arrow_udtf(returnType=_ddl(t.HOLDOUT_SCHEMA))
    class HoldoutValidation(_WholeTable):
        def terminate(self):
            if not self.batches:
                yield t.HOLDOUT_SCHEMA.empty_table()
                return
            yield t.holdout_validation(self.table())

    spark.udtf.register(PARAMS_FUNCTION, ModelParams)
    spark.udtf.register(PREDICTIONS_FUNCTION, CustomerPredictions)
    spark.udtf.register(HOLDOUT_FUNCTION, HoldoutValidation)
