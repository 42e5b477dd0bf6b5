with orders as (
    select * from {{ ref('int_orders_sequenced') }}
),

final as (
    select
        order_id,
        customer_id,
        status,
        customer_order_number,
        days_since_previous_purchase,
        cast(revenue as decimal(18, 2)) as revenue,
        cast(cost as decimal(18, 2)) as cost,
        cast(margin as decimal(18, 2)) as margin,
        is_purchase,
        is_repeat_purchase,
        ordered_at,
        ordered_date
    from orders
)

select * from final
