"""`loyalty validate`: Great Expectations checkpoints over the built warehouse.

Each check reads what it needs through a read-only DuckDB connection into pandas (GX's
SQL datasource over duckdb-engine can return results without observed values, GX
issues 10738 and 11579), validates it with a GX 1.x checkpoint, and every failure is
printed on one line naming `schema.table.column`, the expectation and what was
observed. Data Docs are written under `target/gx/`.
"""

from __future__ import annotations

import logging
import os
import shutil
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

# Interval bounds (survival_ci_*, nps_ci_*) are not checked here: the SQL clips them to
# their range, so no range or order check could fail. Their computation is tested on
# hand-worked cases and an independent replay (docs/development.md, "Tests and lint").
RATE_COLUMNS = {
    "marts.fct_retention_monthly": ["churn_rate", "retention_rate", "rpr"],
    "marts.fct_cohort_retention": ["retention_rate"],
    "marts.fct_referrals_monthly": ["referral_rate"],
    "marts.fct_loyalty_funnel": ["share"],
    "marts.fct_loyalty_types": ["share"],
    "marts.fct_ltv_by_segment": ["mean_monthly_churn_rate", "annual_churn_rate"],
    "marts.fct_customer_survival": ["survival_probability"],
    "marts.clv_customer_predictions": ["p_alive"],
    "marts.dim_customers": ["p_alive"],
}
KEYS = {
    "marts.dim_customers": ["customer_id"],
    "marts.fct_orders": ["order_id"],
    "marts.fct_customer_months": ["customer_id", "month_start_date"],
    "marts.fct_retention_monthly": ["month_start_date"],
    "marts.fct_cohort_retention": ["cohort_month", "months_since_first_purchase"],
    "marts.fct_churn_events": ["churn_event_id"],
    "marts.fct_customer_survival": ["segment_type", "segment_value", "days_since_first_purchase"],
    "marts.fct_ltv_by_segment": ["segment_type", "segment_value"],
    "marts.clv_model_params": ["model", "parameter"],
    "marts.clv_customer_predictions": ["customer_id"],
    "marts.clv_holdout_validation": ["frequency_bucket"],
    "marts.fct_survey_responses": ["response_id"],
    "marts.fct_nps_monthly": ["month_start_date"],
    "marts.fct_satisfaction_monthly": ["month_start_date"],
    "marts.fct_nps_by_segment": ["segment_type", "segment_value"],
    "marts.fct_referrals_monthly": ["month_start_date"],
    "marts.fct_loyalty_funnel": ["month_start_date", "loyalty_stage"],
    "marts.fct_loyalty_transitions": ["month_start_date", "from_stage", "to_stage"],
    "marts.fct_loyalty_types": ["loyalty_type"],
}
# each mart holds rows whenever its input does: {mart: its input (tables only: a
# view names the catalog it was built in, which a copied warehouse file renames)}
FILLED_FROM = {
    "marts.dim_customers": "staging.base_raw__customers where quarantine_reason is null",
    "marts.fct_orders": "staging.base_raw__orders where quarantine_reason is null",
    "marts.fct_customer_months": "intermediate.int_customer_purchases_summarised",
    "marts.fct_retention_monthly": "intermediate.int_customer_purchases_summarised",
    "marts.fct_cohort_retention": "intermediate.int_customer_purchases_summarised",
}
# (predicted CLV is left out: it is negative when costs exceed revenue, valid data)
NON_NEGATIVE = {
    "marts.clv_customer_predictions": ["expected_transactions", "expected_avg_revenue"],
    "marts.dim_customers": ["expected_transactions", "historical_revenue"],
    "marts.fct_orders": ["revenue"],
}  # fmt: skip
NPS_TABLES = ["marts.fct_nps_monthly", "marts.fct_nps_by_segment"]


@dataclass
class Check:
    """One batch (a table's columns, or a query) and what is expected of it."""

    name: str
    sql: str
    expectations: list = field(default_factory=list)


@dataclass
class Failure:
    name: str
    column: str | None
    expectation: str
    observed: str

    def line(self) -> str:
        target = f"{self.name}.{self.column}" if self.column else self.name
        return f"FAIL {target}: {self.expectation}: observed {self.observed}"


def _checks(quarantine_error_share: float) -> list[Check]:
    import great_expectations as gx

    e = gx.expectations
    columns: dict[str, set[str]] = {}
    expectations: dict[str, list] = {}

    def add(table, cols, expectation):
        columns.setdefault(table, set()).update(cols)
        expectations.setdefault(table, []).append(expectation)

    for table, key in KEYS.items():
        for col in key:
            add(table, [col], e.ExpectColumnValuesToNotBeNull(column=col))
        if len(key) == 1:
            add(table, key, e.ExpectColumnValuesToBeUnique(column=key[0]))
        else:
            add(table, key, e.ExpectCompoundColumnsToBeUnique(column_list=key))
    for table, cols in RATE_COLUMNS.items():
        for col in cols:
            add(table, [col], e.ExpectColumnValuesToBeBetween(column=col, min_value=0, max_value=1))
    for table, cols in NON_NEGATIVE.items():
        for col in cols:
            add(table, [col], e.ExpectColumnValuesToBeBetween(column=col, min_value=0))
    for table in NPS_TABLES:
        add(table, ["nps"], e.ExpectColumnValuesToBeBetween(column="nps", min_value=-100,
                                                            max_value=100))  # fmt: skip
    add("marts.fct_referrals_monthly", ["live_nps"],
        e.ExpectColumnValuesToBeBetween(column="live_nps", min_value=0, max_value=100))  # fmt: skip
    add("marts.fct_satisfaction_monthly", ["csat"],
        e.ExpectColumnValuesToBeBetween(column="csat", min_value=0, max_value=100))  # fmt: skip
    add("marts.fct_satisfaction_monthly", ["ces"],
        e.ExpectColumnValuesToBeBetween(column="ces", min_value=1, max_value=7))  # fmt: skip

    checks = []
    for table, cols in columns.items():
        select = ", ".join(sorted(cols)) if cols else "1 as row_present"
        checks.append(Check(table, f"select {select} from {table}", expectations[table]))

    scales = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
    for survey_type, (low, high) in scales.items():
        checks.append(Check(
            f"marts.fct_survey_responses[{survey_type}]",
            f"select score from marts.fct_survey_responses where survey_type = '{survey_type}'",
            [e.ExpectColumnValuesToBeBetween(column="score", min_value=low, max_value=high)],
        ))  # fmt: skip
    for mart, staged in FILLED_FROM.items():
        checks.append(Check(
            f"{mart}[filled when its input is]",
            f"select (select count(*) from {mart}) > 0 or (select count(*) from {staged}) = 0"
            " as is_filled",
            [e.ExpectColumnValuesToBeInSet(column="is_filled", value_set=[True])],
        ))  # fmt: skip
    checks += [
        Check(
            "marts.fct_cohort_retention[month 0]",
            "select retention_rate from marts.fct_cohort_retention "
            "where months_since_first_purchase = 0",
            [e.ExpectColumnValuesToBeBetween(column="retention_rate", min_value=1, max_value=1)],
        ),
        Check(
            "marts.fct_retention_monthly[E = S + N + R - L]",
            "select customers_end - (customers_start + new_customers + reactivated_customers"
            " - churned_customers) as identity_gap from marts.fct_retention_monthly",
            [e.ExpectColumnValuesToBeBetween(column="identity_gap", min_value=0, max_value=0)],
        ),
        Check(
            "quarantine.quarantined_rows[share]",
            "select source_table, rows_quarantined * 1.0 / rows_read as quarantined_share"
            " from marts.fct_raw_table_loads where rows_quarantined > 0",
            [
                e.ExpectColumnValuesToBeBetween(
                    column="quarantined_share", min_value=0, max_value=quarantine_error_share
                )
            ],
        ),  # fmt: skip
    ]
    return checks


def _plain(value):
    """numpy scalars and tuples of them as plain Python values, for printing."""
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    return value.item() if hasattr(value, "item") else value


def _observed(result) -> str:
    info = result.result or {}
    if info.get("observed_value") is not None:
        return repr(_plain(info["observed_value"]))
    if "unexpected_count" in info:
        examples = _plain(list(info.get("partial_unexpected_list") or [])[:3])
        return f"{info['unexpected_count']} unexpected, e.g. {examples}"
    return "(no value reported)"


def _quiet() -> None:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    warnings.filterwarnings("ignore")
    logging.getLogger("great_expectations").setLevel(logging.ERROR)


def validate(
    db_path: Path,
    docs_dir: Path = Path("target/gx"),  # must end in /gx: GX's project folder name
    quarantine_error_share: float | None = None,
    build_docs: bool = True,
) -> tuple[list[Failure], int]:
    """Run every check; returns the failures and the number of expectations run.
    quarantine_error_share: by default the var of dbt_project.yml the build uses."""
    _quiet()
    if quarantine_error_share is None:
        from loyalty_warehouse.paths import project_var

        quarantine_error_share = project_var("quarantine_error_share")
    import great_expectations as gx

    if build_docs:
        # GX keeps its project in <root>/gx: root it at docs_dir's parent so the docs
        # land in docs_dir (target/gx by default), and start afresh each run
        shutil.rmtree(docs_dir, ignore_errors=True)
        docs_dir.parent.mkdir(parents=True, exist_ok=True)
        context = gx.get_context(mode="file", project_root_dir=str(docs_dir.parent))
    else:
        context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False, "metric_calculations": False}
    source = context.data_sources.add_pandas("warehouse")
    failures: list[Failure] = []
    total = 0
    with duckdb.connect(str(db_path), read_only=True) as con:
        existing = {
            f"{schema}.{name}"
            for schema, name in con.execute(
                "select table_schema, table_name from information_schema.tables"
            ).fetchall()
        }
        for check in _checks(quarantine_error_share):
            table = check.name.split("[")[0]
            if table not in existing:
                failures.append(Failure(check.name, None, "table exists", "missing"))
                continue
            frame = con.execute(check.sql).df()
            slug = "".join(c if c.isalnum() else "_" for c in check.name)
            asset = source.add_dataframe_asset(slug)
            batch = asset.add_batch_definition_whole_dataframe(slug)
            suite = context.suites.add(gx.ExpectationSuite(name=slug))
            for expectation in check.expectations:
                suite.add_expectation(expectation)
            definition = context.validation_definitions.add(
                gx.ValidationDefinition(name=slug, data=batch, suite=suite)
            )
            actions = [gx.checkpoint.UpdateDataDocsAction(name="docs")] if build_docs else []
            checkpoint = context.checkpoints.add(
                gx.Checkpoint(name=slug, validation_definitions=[definition], actions=actions)
            )
            outcome = checkpoint.run(batch_parameters={"dataframe": frame})
            for run in outcome.run_results.values():
                for result in run.results:
                    total += 1
                    if result.success:
                        continue
                    kwargs = result.expectation_config.kwargs
                    column = kwargs.get("column") or (
                        f"{kwargs.get('column_A')}>={kwargs.get('column_B')}"
                        if "column_A" in kwargs
                        else ",".join(kwargs.get("column_list", [])) or None
                    )
                    kind = result.expectation_config.type
                    failures.append(Failure(check.name, column, kind, _observed(result)))
    return failures, total
