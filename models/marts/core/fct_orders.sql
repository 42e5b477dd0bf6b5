{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ delete_incremental_window(
        'ordered_date >= ' ~ incremental_window_start()
    ) }}",
    post_hook="{{ record_incremental_build() }}",
) }}

{#- Incremental: the orders dated in the window (int_orders_sequenced re-derives
    only those, so an order dated before it is unchanged). -#}

with orders as (
    select * from {{ ref('int_orders_sequenced') }}
    where ordered_date >= {{ incremental_window_start() }}
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
