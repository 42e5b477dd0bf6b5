with base as (
    select * from {{ ref('base_raw__referral_offers') }}
),

final as (
    select
        offer_id,
        customer_id,
        shared_at is not null as is_shared,
        offered_at,
        shared_at,
        {{ local_date('offered_at') }} as offered_date,
        {{ local_date('shared_at') }} as shared_date
    from base
    where quarantine_reason is null
)

select * from final
