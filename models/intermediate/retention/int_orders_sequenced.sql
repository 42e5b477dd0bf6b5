{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ delete_incremental_window(
        'ordered_date >= ' ~ incremental_window_start()
    ) }}",
    post_hook="{{ record_incremental_build() }}",
) }}

{#- Every staged order; purchases (completed, on or before the as-of date) numbered
    per customer in the order they were placed.
    Incremental: the orders dated in the window. Every kept order is dated before
    them, so its number and previous purchase do not change, and a re-derived
    purchase's number carries on from the customer's kept purchases (kept_purchases). -#}

with orders as (
    select * from {{ ref('stg_raw__orders') }}
    where ordered_date >= {{ incremental_window_start() }}
),

flagged as (
    select
        *,
        is_purchase_status and ordered_date <= {{ as_of_date() }} as is_purchase
    from orders
),

kept_purchases as (
    {%- if is_incremental() %}
    -- the pre-hook left only the orders dated before the window
    select
        customer_id,
        max(customer_order_number) as purchases_before,
        max(ordered_date) as last_purchase_date_before
    from {{ this }}
    where
        is_purchase
        and customer_id in (
            select flagged.customer_id from flagged where flagged.is_purchase
        )
    group by customer_id
    {%- else %}
    -- a full build keeps none
    select
        cast(null as varchar) as customer_id,
        cast(null as bigint) as purchases_before,
        cast(null as date) as last_purchase_date_before
    where false
    {%- endif %}
),

numbered as (
    -- the purchases in this build, numbered among themselves
    select
        *,
        case
            when is_purchase
                then row_number() over (
                    partition by customer_id, is_purchase
                    order by ordered_at, order_id
                )
        end as purchase_number_in_build,
        case
            when is_purchase
                then lag(ordered_date) over (
                    partition by customer_id, is_purchase
                    order by ordered_at, order_id
                )
        end as previous_purchase_date_in_build
    from flagged
),

sequenced as (
    select
        numbered.*,
        numbered.purchase_number_in_build
        + coalesce(kept_purchases.purchases_before, 0) as customer_order_number,
        case
            when numbered.is_purchase
                then coalesce(
                    numbered.previous_purchase_date_in_build,
                    kept_purchases.last_purchase_date_before
                )
        end as previous_purchase_date
    from numbered
    left join kept_purchases on numbered.customer_id = kept_purchases.customer_id
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
