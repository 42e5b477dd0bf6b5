{#- One row per referral offer shown on or before the as-of date: the event grain of
    Live NPS. The semantic layer counts the distinct customers offered and sharing
    over any period from these rows; fct_referrals_monthly counts them per month. -#}

{%- set as_of = as_of_date() %}

with offers as (
    select * from {{ ref('stg_raw__referral_offers') }}
    where offered_date <= {{ as_of }}
),

final as (
    select
        offer_id,
        customer_id,
        offered_at,
        offered_date,
        cast({{ dbt.date_trunc('month', 'offered_date') }} as date) as month_start_date,
        shared_at,
        coalesce(
            shared_at is not null and shared_date <= {{ as_of }},
            false
        ) as is_shared_by_as_of
    from offers
)

select * from final
