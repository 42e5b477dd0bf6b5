"""One block of customers, simulated from its own random stream.

A block is the unit of randomness: its customers, their purchases, orders, answers,
offers and refunds come from ``numpy.random.default_rng([seed, block number])``, so a data
set is the same for a seed however many blocks are simulated at once. Indexes in a
block's arrays are local to it (0 .. customers - 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import money, purchases, referrals, refunds, surveys
from .parameters import (
    CHANNEL_SHARES,
    CHANNELS,
    COUNTRY_SHARES,
    EMAIL_SHARE,
    REFERRED_SHARE,
    GeneratorConfig,
)


@dataclass
class Block:
    signup: np.ndarray  # days from the start date
    channel: np.ndarray  # index into CHANNELS
    country: np.ndarray  # index into COUNTRY_SHARES
    has_email: np.ndarray
    referrer: np.ndarray  # local index of the referrer, -1 when not referred
    purchaser: np.ndarray
    transactions: int
    orders: dict[str, np.ndarray]
    surveys: dict[str, np.ndarray]
    offers: dict[str, np.ndarray]
    refunds: dict[str, np.ndarray]
    revenue_cents: int  # of the completed orders, in the reporting currency

    def events(self, table: str) -> dict[str, np.ndarray]:
        """The block's rows of one raw event table, as arrays."""
        return {"orders": self.orders, "survey_responses": self.surveys,
                "referral_offers": self.offers, "refunds": self.refunds}[table]  # fmt: skip


def simulate_block(cfg: GeneratorConfig, clock: purchases.SeasonalClock, rates: money.Rates,
                   number: int, customers: int) -> Block:  # fmt: skip
    """Simulate ``customers`` customers: most sign up on their own; REFERRED_SHARE of
    them are friends brought by the shares of the others (topped up with organic
    sign-ups when too few shares bring one). Orders are paid in the customer's
    country's currency; some completed ones are refunded in part."""
    rng = np.random.default_rng([cfg.seed, number])
    end = float(cfg.days)
    n_referred = round(REFERRED_SHARE * customers)
    n_base = customers - n_referred
    base_channel = rng.choice(len(CHANNEL_SHARES), n_base, p=list(CHANNEL_SHARES.values()))
    base = purchases.simulate_cohort(
        rng, cfg, clock, purchases.signup_days(rng, cfg, n_base), base_channel
    )
    base_offers = referrals.offers(rng, base, end)
    referrer, friend_signup = referrals.friends(rng, base_offers, n_referred, end)
    n_fill = n_referred - referrer.size
    referred = purchases.simulate_cohort(
        rng,
        cfg,
        clock,
        np.concatenate((friend_signup, purchases.signup_days(rng, cfg, n_fill))),
        np.concatenate(
            (np.full(referrer.size, CHANNELS.index("referral")), np.zeros(n_fill, np.int64))
        ),
    )
    referred_offers = referrals.offers(rng, referred, end)
    referred_offers["owner"] = referred_offers["owner"] + n_base
    everyone = purchases.concat_cohorts(base, referred)
    country = rng.choice(len(COUNTRY_SHARES), customers, p=list(COUNTRY_SHARES.values()))
    has_email = rng.random(customers) < EMAIL_SHARE
    orders = purchases.orders(rng, everyone, end)
    answers = surveys.surveys(rng, everyone, end)
    revenue_cents = money.in_currency(
        rates, orders, money.COUNTRY_CURRENCY_CODE[country[orders["owner"]]]
    )
    return Block(
        signup=everyone.signup,
        channel=everyone.channel,
        country=country,
        has_email=has_email,
        referrer=np.concatenate((np.full(n_base, -1), referrer, np.full(n_fill, -1))),
        purchaser=everyone.purchaser,
        transactions=int(everyone.tx_time.size),
        orders=orders,
        surveys=answers,
        offers={k: np.concatenate((base_offers[k], referred_offers[k])) for k in base_offers},
        refunds=refunds.refunds(rng, orders, end, number),
        revenue_cents=revenue_cents,
    )
