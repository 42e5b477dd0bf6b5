with base as (
    select * from {{ ref('base_raw__exchange_rates') }}
),

final as (
    select
        currency,
        rate_date,
        rate_to_reporting
    from base
    where quarantine_reason is null
)

select * from final
