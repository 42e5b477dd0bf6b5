"""Retention marts against an independent Python replay of the rules of docs/marts.md.

The demo generator makes a few thousand customers; dbt builds them; then the purchase
dates in fct_orders are replayed here, in plain Python, into churn events, monthly
S / N / R / L / E, cohorts and a Kaplan-Meier curve, and compared with the marts.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, timedelta

import pytest

from conftest import run_dbt
from loyalty_warehouse import generate as g

pytestmark = pytest.mark.dbt
CHURN_DAYS = 180


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("retention")
    g.write_raw(g.GeneratorConfig(customers=2_500, seed=17), tmp / "raw")
    result = run_dbt(tmp / "raw", tmp / "warehouse.duckdb")
    assert result.returncode == 0, result.output
    return result


@pytest.fixture(scope="module")
def replay(built):
    as_of = built.query("select as_of_date from staging.base_raw__as_of_date")[0][0]
    days = defaultdict(set)
    for customer, day in built.query(
        "select customer_id, ordered_date from marts.fct_orders where is_purchase"
    ):
        days[customer].add(day)
    churns, reactivations = {}, {}
    for customer, ds in days.items():
        ds = sorted(ds)
        churns[customer] = []
        reactivations[customer] = []
        for i, d in enumerate(ds):
            churn = d + timedelta(days=CHURN_DAYS)
            nxt = ds[i + 1] if i + 1 < len(ds) else None
            if (nxt is None or nxt >= churn) and churn <= as_of:
                churns[customer].append(churn)
            if i > 0 and ds[i - 1] + timedelta(days=CHURN_DAYS) <= d:
                reactivations[customer].append(d)
    return {"as_of": as_of, "days": {c: sorted(d) for c, d in days.items()},
            "churns": churns, "reactivations": reactivations}  # fmt: skip


def _month(d: date) -> date:
    return d.replace(day=1)


def _alive_at(purchase_days: list[date], at: date) -> bool:
    before = [d for d in purchase_days if d <= at]
    return bool(before) and (at - before[-1]).days < CHURN_DAYS


def test_churn_events_match_the_replay(built, replay):
    got = set(built.query("select customer_id, event_type, event_date from marts.fct_churn_events"))
    expected = {(c, "churn", d) for c, ds in replay["churns"].items() for d in ds}
    expected |= {(c, "reactivation", d) for c, ds in replay["reactivations"].items() for d in ds}
    assert got == expected
    assert sum(1 for e in expected if e[1] == "reactivation") > 0


def test_monthly_retention_matches_the_replay(built, replay):
    rows = built.query(
        "select month_start_date, customers_start, new_customers, reactivated_customers, "
        "churned_customers, customers_end from marts.fct_retention_monthly order by 1"
    )
    as_of = replay["as_of"]
    for month, s, n, r, lost, e in rows:
        nxt = (month + timedelta(days=32)).replace(day=1)
        end = min(nxt - timedelta(days=1), as_of)
        previous_end = month - timedelta(days=1)
        days = replay["days"]
        assert s == sum(_alive_at(ds, previous_end) for ds in days.values()), month
        assert e == sum(_alive_at(ds, end) for ds in days.values()), month
        assert n == sum(_month(ds[0]) == month for ds in days.values()), month
        assert r == sum(
            any(_month(d) == month for d in ds) for ds in replay["reactivations"].values()
        ), month
        assert lost == sum(
            any(_month(d) == month for d in ds) for ds in replay["churns"].values()
        ), month
    assert rows[-1][0] == _month(as_of)


def test_cohort_sizes_and_month_one_retention(built, replay):
    cohorts = defaultdict(list)
    for ds in replay["days"].values():
        cohorts[_month(ds[0])].append(ds)
    rows = built.query(
        "select cohort_month, cohort_size, active_customers from marts.fct_cohort_retention "
        "where months_since_first_purchase = 1"
    )
    assert rows
    for cohort, size, active in rows:
        members = cohorts[cohort]
        month_one = (cohort + timedelta(days=32)).replace(day=1)
        assert size == len(members)
        assert active == sum(any(_month(d) == month_one for d in ds) for ds in members)


def test_kaplan_meier_matches_an_independent_estimate(built, replay):
    as_of = replay["as_of"]
    lifetimes = []
    for customer, ds in replay["days"].items():
        churns = replay["churns"][customer]
        end = churns[0] if churns else as_of
        lifetimes.append(((end - ds[0]).days, bool(churns)))
    # Kaplan-Meier with Greenwood's variance, var S = S^2 * sum d / (n (n - d)),
    # and the 95% bounds S -/+ 1.96 SE kept within [0, 1]
    survival, greenwood, at_risk = 1.0, 0.0, len(lifetimes)
    expected = {}
    for t in sorted({t for t, _ in lifetimes}):
        d = sum(1 for u, churned in lifetimes if u == t and churned)
        leaving = sum(1 for u, _ in lifetimes if u == t)
        survival *= 1 - d / at_risk
        if d < at_risk:
            greenwood += d / (at_risk * (at_risk - d))
        half = 1.96 * survival * math.sqrt(greenwood)
        expected[t] = (at_risk, d, survival, max(0.0, survival - half), min(1.0, survival + half))
        at_risk -= leaving
    rows = built.query(
        "select days_since_first_purchase, customers_at_risk, churned_customers, "
        "survival_probability, survival_ci_low, survival_ci_high "
        "from marts.fct_customer_survival where segment_type = 'all'"
    )
    assert len(rows) == len(expected)
    for t, n, d, s, low, high in rows:
        assert (n, d) == expected[t][:2]
        assert (s, low, high) == pytest.approx(expected[t][2:], abs=1e-6)
    # the interval is not clipped everywhere: somewhere it is narrower than [0, 1] on
    # both sides, so the bounds above test Greenwood's sum, not the clip
    assert any(0 < low < s < high < 1 for *_, s, low, high in rows)
    # the curve is 1 until the churn delay has passed, then falls
    assert min(t for t, _, d, *_ in rows if d > 0) >= CHURN_DAYS
    assert not math.isclose(rows[-1][3], 1.0)


def test_detractors_churn_more_and_advocates_are_worth_more(built):
    """The generator ties satisfaction to dropout and sharing: the marts must show it."""
    churned = dict(
        built.query(
            "select latest_nps_category, avg(case when status = 'churned' then 1.0 else 0 end) "
            "from marts.dim_customers where is_purchaser and latest_nps_category is not null "
            "group by 1"
        )
    )
    assert churned["detractor"] > 1.3 * churned["promoter"]
    revenue = dict(
        built.query(
            "select loyalty_stage, avg(historical_revenue) from marts.dim_customers group by 1"
        )
    )
    assert revenue["advocate"] > 2 * revenue["repeat"]
    nps = dict(
        built.query(
            "select segment_value, nps from marts.fct_nps_by_segment "
            "where segment_type = 'loyalty_stage'"
        )
    )
    assert nps["advocate"] > nps["lapsed"]
