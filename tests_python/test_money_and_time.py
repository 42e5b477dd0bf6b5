"""Real orders (docs/marts.md, "Money", and docs/configuration.md, "The shop's day"):
partial and full refunds, three currencies and a rate change, orders across midnight
and across both daylight-saving changes of a Berlin shop, and every bad refund and
rate row, on a fixture whose every figure is worked out by hand below."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal as D

import pytest

from conftest import FIXTURES

BERLIN = (
    "{reporting_timezone: Europe/Berlin, raw_timezone: Europe/Berlin,"
    " quarantine_warn_share: 0.8, quarantine_error_share: 0.8}"  # most rows are bad on purpose
)


@pytest.fixture(scope="module")
def berlin(tmp_path_factory):
    from conftest import run_dbt

    result = run_dbt(
        FIXTURES / "money", tmp_path_factory.mktemp("money") / "warehouse.duckdb", vars_=BERLIN
    )
    assert result.returncode == 0, result.output
    return result


def test_orders_convert_at_the_latest_rate_of_their_local_date_net_of_refunds(berlin):
    rows = berlin.query(
        "select order_id, ordered_at, ordered_date, month_start_date, currency,"
        " exchange_rate, gross_revenue, refunded_amount, revenue, revenue_in_order_currency,"
        " cost, is_purchase from marts.fct_orders order by order_id"
    )
    assert rows == [
        # naive 12:00 in Berlin (CET) is 11:00 UTC; EUR at the 1 January rate 1.10;
        # a 20.00 refund is 22.00; cost 40.00 is 44.00
        ("o1", datetime(2024, 1, 10, 11, 0), date(2024, 1, 10), date(2024, 1, 1), "EUR",
         D("1.10"), D("110.00"), D("22.00"), D("88.00"), D("80.0000"), D("44.00"), True),
        # 10 euros at 1.0833 is 10.83; refunded in full in two halves, each 5.4165 or
        # 5.42 alone (10.84 together): the order converts its refunds together, so
        # its revenue is exactly zero, not -0.01
        ("o10", datetime(2024, 5, 10, 8, 0), date(2024, 5, 10), date(2024, 5, 1), "EUR",
         D("1.0833"), D("10.83"), D("10.83"), D("0.00"), D("0.0000"), None, False),
        # 22:30 UTC on 31 March is 00:30 on 1 April in Berlin (summer time began that
        # night): an April order, at 1 April's 1.09, not 31 March's 1.08; "eur" is EUR
        ("o2", datetime(2024, 3, 31, 22, 30), date(2024, 4, 1), date(2024, 4, 1), "EUR",
         D("1.09"), D("54.50"), D("10.90"), D("43.60"), D("40.0000"), None, True),
        # 15,000 yen at 0.0067 is 100.50 dollars; refunded in full: not a purchase
        ("o3", datetime(2024, 2, 1, 9, 0), date(2024, 2, 1), date(2024, 2, 1), "JPY",
         D("0.0067"), D("100.50"), D("100.50"), D("0.00"), D("0.0000"), None, False),
        # an offset is an instant: 05:00 at -05:00 is 10:00 UTC
        ("o4", datetime(2024, 2, 10, 10, 0), date(2024, 2, 10), date(2024, 2, 1), "USD",
         D("1"), D("30.00"), D("0.00"), D("30.00"), D("30.0000"), None, True),
        # 02:30 on 27 October happened twice in Berlin: the first (summer time, UTC+2);
        # no currency is the reporting currency
        ("o7", datetime(2024, 10, 27, 0, 30), date(2024, 10, 27), date(2024, 10, 1), "USD",
         D("1"), D("10.00"), D("0.00"), D("10.00"), D("10.0000"), None, True),
        # 23:30 UTC on New Year's Eve is 00:30 on 1 January 2025 in Berlin
        ("o8", datetime(2024, 12, 31, 23, 30), date(2025, 1, 1), date(2025, 1, 1), "USD",
         D("1"), D("40.00"), D("0.00"), D("40.00"), D("40.0000"), None, True),
        # its two refunds sum past its revenue: both quarantined, the order unrefunded
        ("o9", datetime(2024, 5, 1, 8, 0), date(2024, 5, 1), date(2024, 5, 1), "USD",
         D("1"), D("25.00"), D("0.00"), D("25.00"), D("25.0000"), None, True),
    ]  # fmt: skip
    # the as-of date is the latest order's local date
    assert berlin.query("select as_of_date from marts.build_info") == [(date(2025, 1, 1),)]


def test_refunds_are_dated_for_finance_at_the_order_rate(berlin):
    assert berlin.query(
        "select refund_id, order_id, currency, amount_in_order_currency, amount,"
        " refunded_date, is_netted_in_revenue from marts.fct_refunds order by refund_id"
    ) == [
        ("r1", "o1", "EUR", D("20.0000"), D("22.00"), date(2024, 1, 15), True),
        # each half of o10's refund alone: 5.00 x 1.0833 = 5.4165, 5.42
        ("r10", "o10", "EUR", D("5.0000"), D("5.42"), date(2024, 5, 11), True),
        ("r11", "o10", "EUR", D("5.0000"), D("5.42"), date(2024, 5, 12), True),
        ("r2", "o2", "EUR", D("10.0000"), D("10.90"), date(2024, 4, 3), True),
        ("r3", "o3", "JPY", D("15000.0000"), D("100.50"), date(2024, 2, 3), True),
    ]


def test_every_bad_refund_rate_and_order_is_quarantined_with_its_reason(berlin):
    assert set(
        berlin.query(
            "select source_table, record_id, reason from quarantine.quarantined_rows"
            " where source_table in ('orders', 'refunds', 'exchange_rates')"
        )
    ) == {
        ("orders", "o5", "no_exchange_rate"),  # no GBP rate at all
        ("orders", "o6", "invalid_currency"),
        ("refunds", "r4", "unknown_order"),
        ("refunds", "r5", "negative_amount"),
        ("refunds", "r6", "refund_exceeds_revenue"),
        ("refunds", "r7", "refund_exceeds_revenue"),
        ("refunds", "r8", "invalid_amount"),
        ("refunds", "r9", "unknown_order"),  # its order o5 is in quarantine
        ("exchange_rates", "EUR 2024-04-01", "duplicate_id"),  # the second 1 April row
        ("exchange_rates", "XXX 2024-01-01", "invalid_currency"),
        ("exchange_rates", "CAD 2024-02-01", "negative_amount"),
        ("exchange_rates", None, "invalid_timestamp"),  # 01/02/2024
        ("exchange_rates", "EUR 1900-01-01", "implausible_timestamp"),
    }  # fmt: skip
    # rows in = rows staged + rows quarantined, table by table
    assert berlin.query(
        "select source_table, rows_read, rows_staged, rows_quarantined"
        " from marts.fct_raw_table_loads where source_table in"
        " ('orders', 'refunds', 'exchange_rates') order by source_table"
    ) == [("exchange_rates", 10, 5, 5), ("orders", 10, 8, 2), ("refunds", 11, 5, 6)]


def test_customer_marts_sum_net_converted_revenue_by_local_month(berlin):
    # A: 88.00 + 43.60; B: 30.00 (the yen order refunded in full is no purchase);
    # C: 10.00 + 40.00 + 25.00
    assert berlin.query(
        "select customer_id, purchases, historical_revenue from marts.dim_customers"
        " order by customer_id"
    ) == [("A", 2, D("131.60")), ("B", 1, D("30.00")), ("C", 3, D("75.00"))]
    revenue = dict(
        berlin.query(
            "select month_start_date, revenue from marts.fct_retention_monthly where revenue > 0"
        )
    )
    assert revenue == {
        date(2024, 1, 1): D("88.00"),
        date(2024, 2, 1): D("30.00"),
        date(2024, 4, 1): D("43.60"),  # o2 is Berlin's April, UTC's March
        date(2024, 5, 1): D("25.00"),
        date(2024, 10, 1): D("10.00"),
        date(2025, 1, 1): D("40.00"),
    }


def test_a_time_zone_that_does_not_exist_stops_the_build_in_one_line(dbt_build):
    result = dbt_build(FIXTURES / "money", vars_="{reporting_timezone: Berlin}")
    assert result.returncode != 0
    lines = [line for line in result.output.splitlines() if "Invalid vars:" in line]
    assert len(lines) == 1, result.output
    assert "reporting_timezone must be an IANA time zone name" in lines[0]
    assert "got 'Berlin'" in lines[0]


def test_a_refund_arriving_weeks_after_its_order_reaches_a_daily_build(berlin, tmp_path):
    """Yesterday's export had neither New Year's order o8 nor r2, the refund of an
    April order; today's has both. Today's daily build (its window starts in
    October, the month of yesterday's as-of date) must re-derive April, and only
    from April, to net r2: its marts equal the full build's."""
    from conftest import run_dbt
    from loyalty_warehouse.compare import compare_marts

    yesterday = tmp_path / "yesterday"
    yesterday.mkdir()
    for table in ("customers", "exchange_rates"):
        (yesterday / f"{table}.csv").write_text((FIXTURES / "money" / f"{table}.csv").read_text())
    for table, left_out in (("orders", "o8,"), ("refunds", "r2,")):
        lines = (FIXTURES / "money" / f"{table}.csv").read_text().splitlines(keepends=True)
        (yesterday / f"{table}.csv").write_text("".join(
            line for line in lines if not line.startswith(left_out)))  # fmt: skip
    daily_db = tmp_path / "daily" / "warehouse.duckdb"
    first = run_dbt(yesterday, daily_db, vars_=BERLIN)
    assert first.returncode == 0, first.output
    assert first.query("select revenue from marts.fct_orders where order_id = 'o2'") == [
        (D("54.50"),)
    ]
    today = run_dbt(FIXTURES / "money", daily_db, vars_=BERLIN)
    assert today.returncode == 0, today.output
    assert "int_orders_sequenced: re-deriving from 2024-04-01" in today.output
    differences = compare_marts(daily_db, berlin.db_path)
    assert differences["fct_orders"][0] == 8
    assert {mart: diff for mart, (_, diff) in differences.items() if diff} == {}


@pytest.fixture(scope="module")
def demo_shop(tmp_path_factory):
    """The demo shop as `make build` builds it: partial refunds, four currencies and
    New York days."""
    from conftest import run_dbt
    from loyalty_warehouse import generate as g

    tmp = tmp_path_factory.mktemp("demo-shop")
    g.write_raw(g.GeneratorConfig(customers=2_000, seed=5), tmp / "raw")
    result = run_dbt(tmp / "raw", tmp / "warehouse.duckdb",
                     vars_="{reporting_timezone: America/New_York}")  # fmt: skip
    assert result.returncode == 0, result.output
    return result


def test_the_demo_shop_has_refunds_and_currencies(demo_shop):
    (refunded, orders, currencies), = demo_shop.query(
        "select count(*) filter (where refunded_amount > 0), count(*),"
        " count(distinct currency) from marts.fct_orders where status = 'completed'"
    )  # fmt: skip
    assert 0.07 < refunded / orders < 0.13  # about 10% refunded in part
    assert currencies == 5  # USD, EUR, GBP, CAD, AUD


def test_ltv_and_clv_spend_use_net_converted_revenue(demo_shop):
    """Historical LTV, the formula LTV's AOV and the Gamma-Gamma spend of each
    customer equal their figures recomputed from fct_orders.revenue (net of refunds,
    in dollars), and differ from those of gross_revenue: a mart left on gross revenue
    fails here."""
    import collections

    purchases = demo_shop.query(
        "select customer_id, ordered_date, revenue, gross_revenue from marts.fct_orders"
        " where is_purchase order by customer_id, ordered_date"
    )
    net_total, gross_total = collections.Counter(), collections.Counter()
    days: dict[str, dict] = collections.defaultdict(dict)
    for customer, day, net, gross in purchases:
        net_total[customer] += net
        gross_total[customer] += gross
        net_day, gross_day = days[customer].get(day, (0, 0))
        days[customer][day] = (net_day + net, gross_day + gross)
    historical = dict(demo_shop.query(
        "select customer_id, historical_revenue from marts.dim_customers"
        " where purchases > 0"))  # fmt: skip
    assert historical == dict(net_total)
    assert sum(historical[c] != gross_total[c] for c in historical) > 100

    # Gamma-Gamma's m_x: the mean of the repeat purchase days' summed revenue
    m_x = dict(demo_shop.query(
        "select customer_id, m_x from intermediate.int_clv_customer_summary where x > 0"
    ))  # fmt: skip
    differ = 0
    for customer, value in m_x.items():
        repeat_days = sorted(days[customer].items())[1:]
        net = sum(d[0] for _, d in repeat_days) / len(repeat_days)
        gross = sum(d[1] for _, d in repeat_days) / len(repeat_days)
        assert float(value) == pytest.approx(float(net), abs=1e-9), customer
        differ += abs(float(net) - float(gross)) > 1e-6
    assert len(m_x) > 300 and differ > 30

    # the formula LTV's aov: revenue over orders in the trailing 365 days
    window = (
        "from marts.fct_orders, marts.build_info where is_purchase"
        " and ordered_date > as_of_date - interval 365 day"
    )
    (net_aov, gross_aov), = demo_shop.query(
        f"select sum(revenue) / count(*), sum(gross_revenue) / count(*) {window}")  # fmt: skip
    (aov,) = demo_shop.query(
        "select aov from marts.fct_ltv_by_segment where segment_type = 'all'")[0]  # fmt: skip
    assert float(aov) == pytest.approx(float(net_aov), abs=0.005)  # the mart rounds to cents
    assert float(net_aov) < float(gross_aov) * 0.995
