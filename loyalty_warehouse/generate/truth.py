"""truth.json: the parameters a data set was drawn from, and what it holds."""

from __future__ import annotations

from .parameters import (
    ANONYMOUS_SHARE,
    BG_NBD_TRUTH,
    CHANNEL_SHARES,
    EXTRA_ORDER_SHARE,
    GAMMA_GAMMA_TRUTH,
    PURCHASER_SHARE,
    REFERRED_SHARE,
    REFUNDED_SHARE_OF_EXTRA,
    SATISFACTION_DROPOUT_CORRELATION,
    SEASON_PEAK_DAY_OF_YEAR,
    SPLIT_ORDER_SHARE,
    SURVEY_SHARES,
    TIME_UNIT_DAYS,
    GeneratorConfig,
)


def truth(cfg: GeneratorConfig, counts: dict) -> dict:
    """What the data set was drawn from: the parameters the models should recover."""
    return {
        "seed": cfg.seed,
        "customers": cfg.customers,
        "start_date": cfg.start_date.isoformat(),
        "end_date": cfg.end_date.isoformat(),
        "time_unit_days": TIME_UNIT_DAYS,
        "bg_nbd": BG_NBD_TRUTH,
        "gamma_gamma": GAMMA_GAMMA_TRUTH,
        "channel_shares": {
            **{k: v * (1 - REFERRED_SHARE) for k, v in CHANNEL_SHARES.items()},
            "referral": REFERRED_SHARE,
        },
        "purchaser_share": PURCHASER_SHARE,
        "extra_order_share": EXTRA_ORDER_SHARE,
        "split_order_share": SPLIT_ORDER_SHARE,
        "refunded_share_of_extra": REFUNDED_SHARE_OF_EXTRA,
        "survey_shares_per_transaction": SURVEY_SHARES,
        "anonymous_share": ANONYMOUS_SHARE,
        "satisfaction_dropout_correlation": SATISFACTION_DROPOUT_CORRELATION,
        "seasonality_amplitude": cfg.seasonality,
        "season_peak_day_of_year": SEASON_PEAK_DAY_OF_YEAR,
        "dirty_rate": cfg.dirty_rate,
        "counts": counts,
    }
