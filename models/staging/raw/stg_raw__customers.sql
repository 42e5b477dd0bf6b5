with base as (
    select * from {{ ref('base_raw__customers') }}
),

final as (
    select
        customer_id,
        referred_by_customer_id,
        email,
        country_code,
        acquisition_channel,
        is_referred,
        signed_up_at,
        {{ local_date('signed_up_at') }} as signed_up_date
    from base
    where quarantine_reason is null
)

select * from final
