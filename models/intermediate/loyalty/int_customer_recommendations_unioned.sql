{#- Every act of recommendation on or before the as-of date (000 lines 147-150: the
    act, not the intent): a shared referral offer, or a referred friend's sign-up,
    credited to the referrer. -#}

with offers as (
    select * from {{ ref('stg_raw__referral_offers') }}
),

customers as (
    select * from {{ ref('stg_raw__customers') }}
),

shares as (
    select
        customer_id,
        'shared_offer' as recommendation_type,
        shared_date as recommended_date
    from offers
    where shared_at is not null
),

referred_signups as (
    select
        referred.referred_by_customer_id as customer_id,
        'referred_signup' as recommendation_type,
        referred.signed_up_date as recommended_date
    from customers as referred
    where referred.is_referred
),

unioned as (
    select * from shares
    union all
    select * from referred_signups
),

final as (
    select
        {{ surrogate_key(['customer_id', 'recommendation_type', 'recommended_date',
                          'act_number']) }} as recommendation_id,
        customer_id,
        recommendation_type,
        recommended_date
    from (
        select
            *,
            -- the acts of one customer, type and day are alike: any order numbers them
            row_number() over (
                partition by customer_id, recommendation_type, recommended_date
                order by recommended_date
            ) as act_number
        from unioned
    ) as numbered
    where recommended_date <= {{ as_of_date() }}
)

select * from final
