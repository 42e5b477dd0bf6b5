"""The shop's parameters: who signs up, how they buy, answer and refer.

Every number the generator draws from is here, so one page says what the demo shop
is; `truth.json` repeats them beside the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

DEFAULT_END_DATE = date(2025, 12, 31)
DEFAULT_CUSTOMERS = 20_000
DEFAULT_SEED = 42
YEARS = 3
TIME_UNIT_DAYS = 7  # the BG/NBD parameters below are per week

# Acquisition channels of customers who were not referred, and their shares.
CHANNEL_SHARES = {"organic": 0.40, "paid_search": 0.28, "social": 0.18, "email": 0.14}
REFERRED_SHARE = 0.08  # of all customers: channel "referral", with a referrer
CHANNELS = (*CHANNEL_SHARES, "referral")

# BG/NBD: purchase rate lambda ~ Gamma(shape r, rate alpha) per week; dropout
# probability after each repeat purchase p ~ Beta(a, b).
BG_NBD_TRUTH = {
    "organic": {"r": 1.4, "alpha": 3.0, "a": 0.6, "b": 7.0},
    "paid_search": {"r": 1.1, "alpha": 3.0, "a": 0.8, "b": 5.0},
    "social": {"r": 0.9, "alpha": 3.0, "a": 0.9, "b": 4.0},
    "email": {"r": 1.6, "alpha": 3.0, "a": 0.6, "b": 8.0},
    "referral": {"r": 1.8, "alpha": 3.0, "a": 0.5, "b": 8.0},
}
# Gamma-Gamma: per-customer nu ~ Gamma(q, rate gamma); a transaction's value
# ~ Gamma(p, rate nu). Mean spend per transaction = p * gamma / (q - 1) = 60.
GAMMA_GAMMA_TRUTH = {"p": 6.0, "q": 4.0, "gamma": 30.0}

PURCHASER_SHARE = 2 / 3
SAME_DAY_FIRST_PURCHASE = 0.6  # else first purchase after Exp(5 days)
SEASON_AMPLITUDE = 0.3  # intensity 1 +/- 0.3 over the year
SEASON_PEAK_DAY_OF_YEAR = 335  # 1 December
SIGNUP_GROWTH = 1.5  # sign-ups per day grow by 150% over the three years
SATISFACTION_DROPOUT_CORRELATION = 0.7  # unhappy customers draw a higher p
SPLIT_ORDER_SHARE = 0.05  # transactions paid as two orders on the same day
EXTRA_ORDER_SHARE = 0.08  # non-completed orders per transaction
REFUNDED_SHARE_OF_EXTRA = 0.45  # the rest of the extras are cancelled
PENDING_DAYS = 3  # extra orders in the last days are still pending
PROSPECT_CANCELLED_SHARE = 0.05  # prospects who placed one cancelled order
SURVEY_SHARES = {"nps": 0.12, "csat": 0.08, "ces": 0.05}  # per transaction
ANONYMOUS_SHARE = 0.10
COMMENT_SHARE = 0.25
OFFER_SHARE = 0.20  # of repeat transactions followed by a referral offer
REFERRAL_CONVERSION = 0.35  # of shares that bring a friend who signs up
COUNTRY_SHARES = {
    "US": 0.40, "GB": 0.15, "DE": 0.12, "FR": 0.10,
    "CA": 0.08, "NL": 0.05, "ES": 0.05, "AU": 0.05,
}  # fmt: skip
EMAIL_SHARE = 0.95

# Money (docs/demo-data.md#money). The shop keeps its day in SHOP_TIMEZONE and reports
# in REPORTING_CURRENCY; a customer pays in their country's currency, converted with
# a daily rate table: units of the reporting currency per unit, a random walk pulled
# back towards each currency's level.
REPORTING_CURRENCY = "USD"
SHOP_TIMEZONE = "America/New_York"
COUNTRY_CURRENCY = {
    "US": "USD", "GB": "GBP", "DE": "EUR", "FR": "EUR",
    "CA": "CAD", "NL": "EUR", "ES": "EUR", "AU": "AUD",
}  # fmt: skip
EXCHANGE_RATE_LEVELS = {"EUR": 1.08, "GBP": 1.27, "CAD": 0.74, "AUD": 0.66}
CURRENCIES = (REPORTING_CURRENCY, *EXCHANGE_RATE_LEVELS)  # codes 0, 1, ... in the arrays
EXCHANGE_RATE_DAILY_SD = 0.004  # of the daily change of the log rate
EXCHANGE_RATE_REVERSION = 0.005  # share of the gap to the level closed each day
EXCHANGE_RATE_LEAD_DAYS = 7  # rates start this many days before the first order's day
EXCHANGE_RATE_DECIMALS = 6
PARTIAL_REFUND_SHARE = 0.10  # of completed orders: refunded in part
SECOND_REFUND_SHARE = 0.15  # of those: refunded twice
REFUNDED_SHARE_OF_REVENUE = (0.10, 0.60)  # the refunds of an order in all, uniform
REFUND_DELAY_DAYS = (1, 30)  # after the order, uniform

COMMENTS = {
    "detractor": [
        "Delivery was late again.",
        "Support never answered my ticket.",
        "Prices went up, quality went down.",
        "Le colis est arrivé abîmé.",
    ],
    "passive": [
        "Fine, nothing special.",
        "Good products, slow shipping.",
        "Okay overall.",
        "Gut, aber etwas teuer.",
    ],
    "promoter": [
        "Love it, already told my friends!",
        "Fast delivery and great quality.",
        "Best shop I know 👍",
        "Excelente servicio, gracias.",
    ],
}


# Customers are simulated in blocks of this many, each block from its own random
# stream (the seed and the block's number): the data for a seed never depends on how
# many blocks are held in memory at once.
BLOCK_CUSTOMERS = 20_000
DEFAULT_CHUNK_CUSTOMERS = 400_000


@dataclass
class GeneratorConfig:
    customers: int = DEFAULT_CUSTOMERS
    seed: int = DEFAULT_SEED
    end_date: date = DEFAULT_END_DATE
    years: int = YEARS
    seasonality: float = SEASON_AMPLITUDE
    dirty_rate: float = 0.0
    file_format: str = "parquet"
    # customers simulated before their rows are set aside on disk (whole blocks)
    chunk_customers: int = DEFAULT_CHUNK_CUSTOMERS

    @property
    def start_date(self) -> date:
        return date(self.end_date.year - self.years, self.end_date.month, self.end_date.day) + (
            timedelta(days=1)
        )

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days + 1

    @property
    def season_peak(self) -> float:
        """Days from the start date to the first seasonal peak."""
        return (SEASON_PEAK_DAY_OF_YEAR - self.start_date.timetuple().tm_yday) % 365.25
