with base as (
    select * from {{ ref('base_raw__refunds') }}
),

final as (
    select
        refund_id,
        order_id,
        amount,
        refunded_at,
        {{ local_date('refunded_at') }} as refunded_date
    from base
    where quarantine_reason is null
)

select * from final
