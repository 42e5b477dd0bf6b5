"""Survey answers: NPS, CSAT and CES after purchases, driven by satisfaction."""

from __future__ import annotations

import numpy as np

from .parameters import ANONYMOUS_SHARE, COMMENT_SHARE, SURVEY_SHARES
from .purchases import Cohort


def draw_scores(rng, satisfaction, kind: str) -> np.ndarray:
    """Scores on the survey's scale, rising with the customer's latent satisfaction."""
    noise = rng.standard_normal(satisfaction.size)
    if kind == "nps":
        raw, lo, hi = 8.0 + 2.0 * satisfaction + 1.0 * noise, 0, 10
    elif kind == "csat":
        raw, lo, hi = 3.9 + 0.9 * satisfaction + 0.6 * noise, 1, 5
    else:
        raw, lo, hi = 5.3 + 1.1 * satisfaction + 0.9 * noise, 1, 7
    return np.clip(np.round(raw), lo, hi).astype(np.int64)


def surveys(rng, c: Cohort, end: float) -> dict[str, np.ndarray]:
    """Survey answers a few days after some transactions: the type (an index into
    ``SURVEY_SHARES``), the score, whether it is anonymous or has a comment, and which
    comment (``band`` and ``pick`` index ``COMMENTS``)."""
    parts = []
    for code, (kind, share) in enumerate(SURVEY_SHARES.items()):
        tx = np.flatnonzero(rng.random(c.tx_time.size) < share)
        t = c.tx_time[tx] + rng.exponential(3.0, tx.size)
        tx, t = tx[t < end], t[t < end]
        owner = c.tx_owner[tx]
        scores = draw_scores(rng, c.satisfaction[owner], kind)
        parts.append((owner, t, np.full(tx.size, code), scores))
    owner, time, kind, score = (np.concatenate(x) for x in zip(*parts, strict=True))
    anonymous = rng.random(owner.size) < ANONYMOUS_SHARE
    with_comment = rng.random(owner.size) < COMMENT_SHARE
    band = np.where(score >= 9, 2, np.where(score >= 7, 1, 0))
    band = np.where(kind == 0, band, np.where(score >= 4, 2, np.where(score >= 3, 1, 0)))
    pick = rng.integers(0, 4, owner.size)
    return {
        "owner": owner,
        "time": time,
        "kind": kind,
        "score": score,
        "anonymous": anonymous,
        "with_comment": with_comment,
        "band": band,
        "pick": pick,
    }
