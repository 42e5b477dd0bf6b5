"""Referral offers after repeat purchases, and the friends they bring."""

from __future__ import annotations

import numpy as np
from scipy import special

from .parameters import OFFER_SHARE, REFERRAL_CONVERSION
from .purchases import Cohort


def offers(rng, c: Cohort, end: float) -> dict[str, np.ndarray]:
    """Offers shown minutes after some repeat purchases; satisfied customers share more.

    Returns the owner (customer index), when the offer was shown and when it was
    shared (NaN when it was not).
    """
    repeat = np.flatnonzero(c.tx_repeat >= 1)
    chosen = repeat[rng.random(repeat.size) < OFFER_SHARE]
    offered = c.tx_time[chosen] + rng.uniform(1, 10, chosen.size) / 1440
    ok = offered < end
    chosen, offered = chosen[ok], offered[ok]
    owner = c.tx_owner[chosen]
    share_p = special.expit(-1.8 + 1.4 * c.satisfaction[owner])
    shared = offered + rng.exponential(1.5, chosen.size)
    shared[(rng.random(chosen.size) >= share_p) | (shared >= end)] = np.nan
    return {"owner": owner, "offered": offered, "shared": shared}


def friends(rng, offers_made: dict[str, np.ndarray], wanted: int, end: float):
    """The shares that bring a friend, at most ``wanted`` of them.

    Returns the referrer of each friend and the friend's sign-up time; a share brings
    a friend with probability REFERRAL_CONVERSION, who signs up days later.
    """
    shared = np.flatnonzero(~np.isnan(offers_made["shared"]))
    brings = shared[rng.random(shared.size) < REFERRAL_CONVERSION]
    signup = offers_made["shared"][brings] + rng.exponential(4.0, brings.size)
    brings, signup = brings[signup < end], signup[signup < end]
    if brings.size > wanted:
        pick = np.sort(rng.choice(brings.size, wanted, replace=False))
        brings, signup = brings[pick], signup[pick]
    return offers_made["owner"][brings], signup
