"""truth.json: the parameters a data set was drawn from, and what it holds."""

from __future__ import annotations

from .parameters import (
    ANONYMOUS_SHARE,
    BG_NBD_TRUTH,
    CHANNEL_SHARES,
    COUNTRY_CURRENCY,
    EXCHANGE_RATE_DAILY_SD,
    EXCHANGE_RATE_LEVELS,
    EXCHANGE_RATE_REVERSION,
    EXTRA_ORDER_SHARE,
    GAMMA_GAMMA_TRUTH,
    PARTIAL_REFUND_SHARE,
    PURCHASER_SHARE,
    REFERRED_SHARE,
    REFUND_DELAY_DAYS,
    REFUNDED_SHARE_OF_EXTRA,
    REFUNDED_SHARE_OF_REVENUE,
    REPORTING_CURRENCY,
    SATISFACTION_DROPOUT_CORRELATION,
    SEASON_PEAK_DAY_OF_YEAR,
    SECOND_REFUND_SHARE,
    SHOP_TIMEZONE,
    SPLIT_ORDER_SHARE,
    SURVEY_SHARES,
    TIME_UNIT_DAYS,
    GeneratorConfig,
)


def truth(cfg: GeneratorConfig, counts: dict, completed_revenue: float) -> dict:
    """What the data set was drawn from: the parameters the models should recover.
    ``completed_revenue``: of the completed orders, in the reporting currency before
    each order was converted to its own (a build in the shop's time zone finds it back,
    to a cent per order)."""
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
        "shop": {
            "reporting_currency": REPORTING_CURRENCY,
            "reporting_timezone": SHOP_TIMEZONE,
            "country_currency": COUNTRY_CURRENCY,
            "exchange_rate_levels": EXCHANGE_RATE_LEVELS,
            "exchange_rate_daily_sd": EXCHANGE_RATE_DAILY_SD,
            "exchange_rate_reversion": EXCHANGE_RATE_REVERSION,
            "partial_refund_share": PARTIAL_REFUND_SHARE,
            "second_refund_share": SECOND_REFUND_SHARE,
            "refunded_share_of_revenue": list(REFUNDED_SHARE_OF_REVENUE),
            "refund_delay_days": list(REFUND_DELAY_DAYS),
            "completed_revenue": round(completed_revenue, 2),
        },
        "dirty_rate": cfg.dirty_rate,
        "counts": counts,
    }
