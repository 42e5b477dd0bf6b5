{#- One row per currency and day, from the currency's first staged rate to the day
    after the as-of date (the last day an order can be dated): the latest rate on or
    before the day, which converts an order of that local date (docs/marts.md,
    "Money"). The reporting currency has no rows: its rate is 1. -#}

with rates as (
    select
        currency,
        rate_date,
        rate_to_reporting,
        coalesce(
            lead(rate_date) over (partition by currency order by rate_date),
            cast({{ dbt.dateadd('day', 2, as_of_date()) }} as date)
        ) as next_rate_date
    from {{ ref('stg_raw__exchange_rates') }}
    where currency != '{{ var('reporting_currency') }}'
),

days as (
    select
        currency,
        rate_date,
        rate_to_reporting,
        {{ date_series('rate_date', 'next_rate_date') }} as rate_day
    from rates
    where rate_date < next_rate_date
),

final as (
    select
        currency,
        cast(rate_day as date) as rate_day,
        rate_date,
        rate_to_reporting
    from days
)

select * from final
