with base as (
    select * from {{ ref('base_raw__orders') }}
),

statuses as (
    select * from {{ ref('order_statuses') }}
),

final as (
    select
        base.order_id,
        base.customer_id,
        base.status,
        base.revenue,
        base.cost,
        base.currency,
        statuses.is_purchase as is_purchase_status,
        base.ordered_at,
        {{ local_date('base.ordered_at') }} as ordered_date
    from base
    inner join statuses on base.status = statuses.status
    where base.quarantine_reason is null
)

select * from final
