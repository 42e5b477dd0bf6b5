{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ delete_incremental_customers(ref('stg_raw__orders'), 'ordered_date') }}",
    post_hook="{{ record_incremental_build() }}",
) }}

{#- Every staged order; purchases (completed, on or before the as-of date) numbered
    per customer in the order they were placed. Incremental: every order of the
    customers with an order in the window. -#}

with orders as (
    select * from {{ ref('stg_raw__orders') }}
    {%- if is_incremental() %}
    where customer_id in {{ incremental_customers() }}
    {%- endif %}
),

flagged as (
    select
        *,
        is_purchase_status and ordered_date <= {{ as_of_date() }} as is_purchase
    from orders
),

sequenced as (
    select
        *,
        case
            when is_purchase
                then row_number() over (
                    partition by customer_id, is_purchase
                    order by ordered_at, order_id
                )
        end as customer_order_number,
        case
            when is_purchase
                then lag(ordered_date) over (
                    partition by customer_id, is_purchase
                    order by ordered_at, order_id
                )
        end as previous_purchase_date
    from flagged
),

final as (
    select
        order_id,
        customer_id,
        status,
        customer_order_number,
        {{ dbt.datediff('previous_purchase_date', 'ordered_date', 'day') }}
            as days_since_previous_purchase,
        revenue,
        cost,
        revenue - cost as margin,
        is_purchase,
        coalesce(customer_order_number > 1, false) as is_repeat_purchase,
        ordered_at,
        ordered_date,
        previous_purchase_date
    from sequenced
)

select * from final
