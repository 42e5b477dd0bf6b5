{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ delete_incremental_customers(ref('int_orders_sequenced'), 'ordered_date') }}",
    post_hook="{{ record_incremental_build() }}",
) }}

{#- Incremental: every order of the customers with an order in the window. -#}

with orders as (
    select * from {{ ref('int_orders_sequenced') }}
    {%- if is_incremental() %}
    where customer_id in {{ incremental_customers() }}
    {%- endif %}
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
