"""The demo data generator: determinism, and the shares and behaviours it promises."""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from loyalty_warehouse import generate as g
from loyalty_warehouse.contract import QUARANTINE_REASONS, RAW_TABLES


@pytest.fixture(scope="module")
def demo():
    return g.generate(g.GeneratorConfig(customers=20_000, seed=11))


def test_same_seed_same_data_other_seed_other_data():
    a = g.generate(g.GeneratorConfig(customers=1_500, seed=3))
    b = g.generate(g.GeneratorConfig(customers=1_500, seed=3))
    c = g.generate(g.GeneratorConfig(customers=1_500, seed=4))
    for name in a.tables:
        assert a.tables[name].equals(b.tables[name]), name
    assert not a.tables["orders"].equals(c.tables["orders"])


@pytest.mark.parametrize("file_format", ["parquet", "csv"])
def test_the_files_do_not_depend_on_the_chunk_size(tmp_path, file_format):
    """Three blocks of customers, streamed one, two and three blocks at a time (dirty,
    so the injected rows and duplicates are covered too): byte-identical files."""
    customers = 2 * g.BLOCK_CUSTOMERS + 1_234

    def files(chunk: int) -> dict[str, bytes]:
        cfg = g.GeneratorConfig(customers=customers, seed=8, dirty_rate=0.01,
                                file_format=file_format, chunk_customers=chunk)  # fmt: skip
        written = g.write_raw(cfg, tmp_path / str(chunk))
        return {p.name: p.read_bytes() for p in written.paths}

    one_block = files(g.BLOCK_CUSTOMERS)
    assert len(one_block) == len(RAW_TABLES) + 1  # every table and the manifest
    assert files(2 * g.BLOCK_CUSTOMERS) == one_block
    assert files(customers) == one_block


def test_orders_are_written_in_time_order_across_buckets(demo):
    ordered_at = demo.tables["orders"]["ordered_at"].to_numpy()
    assert (np.diff(ordered_at) >= np.timedelta64(0, "s")).all()
    numbers = np.array([int(i[1:]) for i in demo.tables["orders"]["order_id"].to_pylist()])
    assert (numbers == np.arange(1, numbers.size + 1)).all()
    signed_up = demo.tables["customers"]["signed_up_at"].to_numpy()
    assert (np.diff(signed_up) >= np.timedelta64(0, "s")).all()


def test_tables_follow_the_raw_contract(demo):
    for name, spec in RAW_TABLES.items():
        assert sorted(demo.tables[name].column_names) == sorted(spec.columns), name
    customers = demo.tables["customers"]
    assert customers.num_rows == 20_000
    assert pc.count_distinct(customers["customer_id"]).as_py() == 20_000
    orders = demo.tables["orders"]
    assert pc.count_distinct(orders["order_id"]).as_py() == orders.num_rows
    ids = set(customers["customer_id"].to_pylist())
    assert set(orders["customer_id"].to_pylist()) <= ids
    assert pc.min(orders["revenue"]).as_py() >= 0
    end = np.datetime64(g.DEFAULT_END_DATE) + np.timedelta64(1, "D")
    assert orders["ordered_at"].to_numpy().max() < end


def test_about_a_third_of_signups_never_buy(demo):
    orders = demo.tables["orders"]
    completed = pc.equal(orders["status"], "completed")
    buyers = set(orders.filter(completed)["customer_id"].to_pylist())
    prospect_share = 1 - len(buyers) / demo.tables["customers"].num_rows
    # 1/3 by design, plus the few whose first purchase would fall after the end date;
    # binomial sd at n = 20,000 is 0.0033
    assert 1 - g.PURCHASER_SHARE - 0.005 < prospect_share < 1 - g.PURCHASER_SHARE + 0.02


def test_status_shares(demo):
    status = demo.tables["orders"]["status"].to_numpy(zero_copy_only=False)
    shares = {s: float(np.mean(status == s)) for s in ("completed", "cancelled", "refunded")}
    # per transaction: 1 + split share completed orders, about EXTRA_ORDER_SHARE extras
    expected_completed = (1 + g.SPLIT_ORDER_SHARE) / (1 + g.SPLIT_ORDER_SHARE + g.EXTRA_ORDER_SHARE)
    assert shares["completed"] == pytest.approx(expected_completed, abs=0.01)
    non_completed = 1 - shares["completed"]
    assert shares["refunded"] / non_completed == pytest.approx(g.REFUNDED_SHARE_OF_EXTRA, abs=0.04)
    pending = status == "pending"
    assert 0 < pending.sum() < 0.01 * status.size  # only in the last days
    dates = demo.tables["orders"]["ordered_at"].to_numpy()[pending]
    assert dates.min() >= np.datetime64(g.DEFAULT_END_DATE) - np.timedelta64(g.PENDING_DAYS, "D")


def test_channel_shares(demo):
    channel = demo.tables["customers"]["acquisition_channel"].to_numpy(zero_copy_only=False)
    for name, share in demo.truth["channel_shares"].items():
        assert np.mean(channel == name) == pytest.approx(share, abs=0.01), name


def test_referred_customers_sign_up_after_their_referrer_shared(demo):
    customers = demo.tables["customers"].to_pandas()
    offers = demo.tables["referral_offers"].to_pandas()
    referred = customers[customers["referred_by_customer_id"].notna()]
    assert len(referred) == round(g.REFERRED_SHARE * 20_000)
    assert (referred["acquisition_channel"] == "referral").all()
    first_share = offers.dropna(subset=["shared_at"]).groupby("customer_id")["shared_at"].min()
    shared = referred["referred_by_customer_id"].map(first_share)
    assert shared.notna().all()
    assert (referred["signed_up_at"] >= shared).all()


def test_offers_go_to_repeat_buyers_and_satisfied_customers_share_more(demo):
    orders = demo.tables["orders"].to_pandas()
    purchases = orders[orders["status"] == "completed"].groupby("customer_id").size()
    offers = demo.tables["referral_offers"].to_pandas()
    assert (offers["customer_id"].map(purchases) >= 2).all()
    surveys = demo.tables["survey_responses"].to_pandas()
    nps = surveys[(surveys["survey_type"] == "nps") & surveys["customer_id"].notna()]
    mean_nps = nps.groupby("customer_id")["score"].mean()
    share_rate = (
        offers.assign(shared=offers["shared_at"].notna()).groupby("customer_id")["shared"].mean()
    )
    both = share_rate.to_frame().join(mean_nps, how="inner")
    promoters = both[both["score"] >= 9]["shared"].mean()
    detractors = both[both["score"] <= 6]["shared"].mean()
    assert promoters > 2 * detractors


def test_purchases_peak_in_december(demo):
    orders = demo.tables["orders"]
    months = orders["ordered_at"].to_numpy().astype("datetime64[M]")
    last_year = months >= np.datetime64("2025-01")
    counts = {m: int(np.sum(months[last_year] == np.datetime64(f"2025-{m:02d}"))) for m in (6, 12)}
    assert counts[12] > 1.3 * counts[6]


def test_some_completed_orders_are_refunded_in_part(demo):
    orders = demo.tables["orders"].to_pandas().set_index("order_id")
    refunds = demo.tables["refunds"].to_pandas()
    assert (refunds["refund_id"] == [f"RF{i:06d}" for i in range(1, len(refunds) + 1)]).all()
    assert refunds["refunded_at"].is_monotonic_increasing
    order = orders.loc[refunds["order_id"]]
    assert (order["status"] == "completed").all() and (refunds["amount"] > 0).all()
    total = refunds.groupby("order_id")["amount"].sum()
    assert (total < orders.loc[total.index, "revenue"]).all()
    delay = (refunds["refunded_at"] - order["ordered_at"].to_numpy()).dt.total_seconds() / 86400
    assert delay.between(*g.REFUND_DELAY_DAYS).all()
    assert refunds["refunded_at"].max() <= orders["ordered_at"].max()  # not after the as-of
    # orders with a month to go: refunded at the share (binomial sd about 0.001)
    month_to_go = orders["ordered_at"] < np.datetime64(g.DEFAULT_END_DATE) - np.timedelta64(31, "D")
    completed = orders[(orders["status"] == "completed") & month_to_go].index
    refunded = completed.isin(refunds["order_id"]).mean()
    assert refunded == pytest.approx(g.PARTIAL_REFUND_SHARE, abs=0.005)
    twice = (refunds["order_id"].value_counts() == 2).mean()
    assert twice == pytest.approx(g.SECOND_REFUND_SHARE, abs=0.02)


def test_orders_are_paid_in_the_customers_currency_at_the_shops_daily_rate(demo):
    customers = demo.tables["customers"].to_pandas().set_index("customer_id")
    orders = demo.tables["orders"].to_pandas()
    country = customers.loc[orders["customer_id"], "country_code"].to_numpy()
    assert (orders["currency"] == pd.Series(country).map(g.COUNTRY_CURRENCY)).all()
    rates = demo.tables["exchange_rates"].to_pandas()
    for currency, level in g.EXCHANGE_RATE_LEVELS.items():
        rate = rates[rates["currency"] == currency]
        assert rate["rate_date"].is_unique and rate["rate_date"].max() == g.DEFAULT_END_DATE
        assert (np.diff(rate["rate_date"]) == pd.Timedelta(days=1)).all()
        assert rate["rate_to_reporting"].between(0.75 * level, 1.25 * level).all(), currency
        assert np.abs(np.diff(np.log(rate["rate_to_reporting"]))).max() < 0.03
    # each order's rate is the one of its day in the shop's time zone
    shop = orders["ordered_at"].dt.tz_localize("UTC").dt.tz_convert(g.SHOP_TIMEZONE)
    day = shop.dt.date.rename("rate_date")
    rate = pd.concat([orders, day], axis=1).merge(rates, on=["rate_date", "currency"], how="left")
    foreign = rate["currency"] != g.REPORTING_CURRENCY
    assert rate.loc[foreign, "rate_to_reporting"].notna().all()
    completed = rate[rate["status"] == "completed"]
    usd = (completed["revenue"] * completed["rate_to_reporting"].fillna(1.0)).sum()
    # each order was rounded to the cent in its currency: about 0.003 USD sd per order
    truth = demo.truth["shop"]["completed_revenue"]
    assert abs(usd - truth) < 0.02 * foreign.sum() ** 0.5


def test_bg_nbd_simulation_limits():
    """Checks of simulate_bg_nbd against the process it claims to simulate."""
    rng = np.random.default_rng(0)
    n = 200_000
    lam, horizon = np.full(n, 0.5), np.full(n, 20.0)
    # p = 0: nobody drops out, counts are Poisson(lam * horizon) with mean 10
    _, frac, counts = g.simulate_bg_nbd(rng, lam, np.zeros(n), horizon)
    assert counts.mean() == pytest.approx(10.0, abs=0.05)
    assert counts.var() == pytest.approx(10.0, rel=0.03)
    # ... and the purchase times are uniform over the horizon
    assert frac.mean() == pytest.approx(0.5, abs=0.005)
    assert ((frac > 0) & (frac < 1)).all()
    # p = 1: everybody drops out after the first repeat purchase
    _, _, counts = g.simulate_bg_nbd(rng, lam, np.ones(n), horizon)
    assert counts.max() == 1
    assert counts.mean() == pytest.approx(1 - np.exp(-10), abs=0.001)
    # p = 0.2: at most Geometric(0.2) purchases; with a huge rate, exactly that
    _, _, counts = g.simulate_bg_nbd(rng, np.full(n, 100.0), np.full(n, 0.2), horizon)
    assert counts.mean() == pytest.approx(1 / 0.2, rel=0.02)


def test_dropout_probability_keeps_its_beta_marginal_and_follows_satisfaction():
    rng = np.random.default_rng(1)
    satisfaction = rng.standard_normal(200_000)
    p = g.beta_from_copula(rng, 0.6, 7.0, satisfaction, g.SATISFACTION_DROPOUT_CORRELATION)
    assert p.mean() == pytest.approx(0.6 / 7.6, rel=0.02)
    assert p.var() == pytest.approx(0.6 * 7.0 / (7.6**2 * 8.6), rel=0.05)
    assert np.corrcoef(satisfaction, p)[0, 1] < -0.3


@pytest.mark.parametrize("file_format", ["parquet", "csv"])
def test_write_both_formats_and_truth(tmp_path, file_format):
    (tmp_path / "orders.parquet").write_text("a stale file of the other format")
    cfg = g.GeneratorConfig(customers=500, seed=5, file_format=file_format)
    written = g.write_raw(cfg, tmp_path)
    assert {p.name for p in written.paths} == {f"{t}.{file_format}" for t in RAW_TABLES}
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f"{t}.{file_format}" for t in RAW_TABLES] + ["truth.json"]
    )  # the stale parquet file and the scratch folder are gone
    truth = (tmp_path / "truth.json").read_text()
    assert '"bg_nbd"' in truth and '"gamma_gamma"' in truth
    orders = written.truth["counts"]["orders"]
    if file_format == "parquet":
        table = pq.read_table(tmp_path / "orders.parquet")
        assert table.num_rows == orders
        assert table.column_names == list(RAW_TABLES["orders"].columns)
    else:
        lines = (tmp_path / "orders.csv").read_text().splitlines()
        assert len(lines) == orders + 1
        assert lines[0] == ",".join(f'"{c}"' for c in RAW_TABLES["orders"].columns)


def test_dirty_injects_each_reason_at_the_rate(tmp_path):
    cfg = g.GeneratorConfig(customers=4_000, seed=9, dirty_rate=0.02, file_format="csv")
    written = g.write_raw(cfg, tmp_path)
    counts = written.truth["dirty_counts"]
    for table in RAW_TABLES:
        assert set(counts[table]) == set(QUARANTINE_REASONS[table]), table
        if table == "customers":
            continue
        rows = written.truth["counts"][table]
        for reason, k in counts[table].items():
            # each row draws its reason: binomial(rows, rate); 4 sd either side
            sd = (rows * 0.02 * 0.98) ** 0.5
            assert abs(k - 0.02 * rows) < 4 * sd, (table, reason, k)
    # customers are spoiled only where nothing refers to them: still about the rate
    for reason, k in counts["customers"].items():
        assert abs(k - 80) < 4 * (80**0.5), (reason, k)


def test_a_malformed_row_has_a_field_too_many_or_too_few(tmp_path):
    cfg = g.GeneratorConfig(customers=2_000, seed=9, dirty_rate=0.02, file_format="csv")
    written = g.write_raw(cfg, tmp_path)
    for table in RAW_TABLES:
        lines = (tmp_path / f"{table}.csv").read_text().splitlines()
        width = len(RAW_TABLES[table].columns)
        malformed = {r[1] for r in written.manifest if r[0] == table and r[3] == "malformed_row"}
        assert malformed
        for position in malformed:
            fields = next(csv.reader([lines[position]]))  # line 0 is the header
            assert len(fields) == (width + 1 if table == "orders" else width - 1), lines[position]


def test_dirty_rows_spoil_a_clean_data_set_and_never_a_referenced_row():
    """Dirty rows are drawn from streams of their own: the same seed without --dirty
    gives the same rows, so the clean id of every spoiled customer is known."""
    clean = g.generate(g.GeneratorConfig(customers=2_000, seed=9))
    data = g.generate(g.GeneratorConfig(customers=2_000, seed=9, dirty_rate=0.05))
    n = clean.tables["customers"].num_rows
    assert data.tables["customers"].slice(0, n)["email"].to_pylist() == (
        clean.tables["customers"]["email"].to_pylist()
    )  # no customer was spoiled by changing an email
    ids = clean.tables["customers"]["customer_id"].to_pylist()
    spoiled = {ids[r[1] - 1] for r in data.manifest if r[0] == "customers" and r[1] <= n}
    used = set(clean.tables["customers"]["referred_by_customer_id"].to_pylist())
    for table in ("orders", "survey_responses", "referral_offers"):
        used |= set(clean.tables[table]["customer_id"].to_pylist())
    assert len(spoiled) > 100 and not (spoiled & used)
    # no refunded order is spoiled or repeated (its refunds would name a refused order)
    spoiled_orders = {r[2] for r in data.manifest if r[0] == "orders" and r[2]}
    refunds = clean.tables["refunds"].to_pandas()
    assert spoiled_orders and not spoiled_orders & set(refunds["order_id"])
    orders = clean.tables["orders"].to_pandas().set_index("order_id")
    # an order dated in 1900 is paid in USD: in another currency it would have no rate
    in_1900 = [r[2] for r in data.manifest if r[3] == "implausible_timestamp" and r[0] == "orders"]
    assert in_1900 and (orders.loc[in_1900, "currency"] == g.REPORTING_CURRENCY).all()
    # a refund made larger than its order's revenue is its order's only refund
    rows = [r[1] - 1 for r in data.manifest if r[3] == "refund_exceeds_revenue"]
    exceeding = data.tables["refunds"].to_pandas().iloc[rows]
    revenue = orders.loc[exceeding["order_id"], "revenue"].to_numpy()
    assert (exceeding["amount"].astype(float) > revenue).all()
    assert (refunds["order_id"].value_counts()[exceeding["order_id"]] == 1).all()
    # each currency's first rate stays: the orders of that day have no other
    first_rates = {r[1] for r in data.manifest if r[0] == "exchange_rates"}
    assert first_rates and min(first_rates) > len(g.EXCHANGE_RATE_LEVELS)
