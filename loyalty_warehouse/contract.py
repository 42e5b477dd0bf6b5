"""The raw-data contract (docs/raw-data.md), as data.

dbt enforces it at run start (macros/raw/register_raw_sources.sql reads the same
facts from `dbt_project.yml` vars); this module is the Python view of it, used by the
generator and the tests. Keep the two in step: tests_python/test_contract.py checks.
"""

from __future__ import annotations

from dataclasses import dataclass

ORDER_STATUSES = ("completed", "cancelled", "refunded", "pending")
SURVEY_SCALES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}


@dataclass(frozen=True)
class RawTable:
    name: str
    id_column: str
    required: bool
    required_columns: tuple[str, ...]
    optional_columns: tuple[str, ...]
    # numbers; the columns named *_at are timestamps, date_columns dates, the others text
    number_columns: tuple[str, ...] = ()
    date_columns: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required_columns + self.optional_columns


RAW_TABLES: dict[str, RawTable] = {
    t.name: t
    for t in (
        RawTable(
            "customers",
            "customer_id",
            True,
            ("customer_id", "signed_up_at"),
            ("email", "country_code", "acquisition_channel", "referred_by_customer_id"),
        ),
        RawTable(
            "orders",
            "order_id",
            True,
            ("order_id", "customer_id", "ordered_at", "status", "revenue"),
            ("cost", "currency"),
            ("revenue", "cost"),
        ),
        RawTable(
            "survey_responses",
            "response_id",
            False,
            ("response_id", "survey_type", "score", "responded_at"),
            ("customer_id", "comment"),
            ("score",),
        ),
        RawTable(
            "referral_offers",
            "offer_id",
            False,
            ("offer_id", "customer_id", "offered_at"),
            ("shared_at",),
        ),
        RawTable(
            "refunds",
            "refund_id",
            False,
            ("refund_id", "order_id", "refunded_at", "amount"),
            (),
            ("amount",),
        ),
        # one rate per currency and date: the pair is the key; quarantine names a
        # row by "<currency> <rate_date>"
        RawTable(
            "exchange_rates",
            "currency",
            False,
            ("rate_date", "currency", "rate_to_reporting"),
            (),
            ("rate_to_reporting",),
            ("rate_date",),
        ),
    )
}

# Currencies: the ISO 4217 codes and their minor units live in the seed
# seeds/currencies.csv; the demo shop's customers pay in their country's currency.

# Every reason staging can give, per table, in the order they are reported. A CSV
# row with more or fewer fields than the header has the one reason malformed_row.
QUARANTINE_REASONS: dict[str, tuple[str, ...]] = {
    "customers": (
        "malformed_row",
        "missing_id",
        "duplicate_id",
        "invalid_timestamp",
        "implausible_timestamp",
        "future_timestamp",
    ),
    "orders": (
        "malformed_row",
        "missing_id",
        "duplicate_id",
        "unknown_customer",
        "invalid_timestamp",
        "implausible_timestamp",
        "future_timestamp",
        "invalid_status",
        "invalid_amount",
        "negative_amount",
        "invalid_currency",
        "no_exchange_rate",
    ),
    "survey_responses": (
        "malformed_row",
        "missing_id",
        "duplicate_id",
        "unknown_customer",
        "invalid_timestamp",
        "implausible_timestamp",
        "future_timestamp",
        "unknown_survey_type",
        "invalid_score",
    ),
    "referral_offers": (
        "malformed_row",
        "missing_id",
        "duplicate_id",
        "unknown_customer",
        "invalid_timestamp",
        "implausible_timestamp",
        "future_timestamp",
        "shared_before_offered",
    ),
    "refunds": (
        "malformed_row",
        "missing_id",
        "duplicate_id",
        "unknown_order",
        "invalid_timestamp",
        "implausible_timestamp",
        "future_timestamp",
        "invalid_amount",
        "negative_amount",
        "refund_exceeds_revenue",
    ),
    "exchange_rates": (
        "malformed_row",
        "missing_id",
        "duplicate_id",
        "invalid_timestamp",
        "implausible_timestamp",
        "invalid_currency",
        "invalid_amount",
        "negative_amount",
    ),
}
