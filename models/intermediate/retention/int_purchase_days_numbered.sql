{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ delete_incremental_customers(
        ref('int_orders_sequenced'), 'ordered_date', 'is_purchase', 'purchase_date'
    ) }}",
    post_hook="{{ record_incremental_build() }}",
) }}

{#- One row per customer and day with a purchase (a "transaction": several
    purchases on one day are one), numbered, with the previous and next purchase
    day and the reactivation rule: a purchase is a reactivation when the customer
    had churned by then (the previous purchase day's churn date is on or before it).
    Nothing here depends on the as-of date, except through the purchases themselves;
    int_purchase_days_sequenced adds the churn dates, which do.
    Incremental: every purchase day of the customers with a purchase in the window. -#}

with purchases as (
    select * from {{ ref('int_orders_sequenced') }}
    where is_purchase
    {%- if is_incremental() %}
        and customer_id in {{ incremental_customers() }}
    {%- endif %}
),

purchase_days as (
    select
        customer_id,
        ordered_date as purchase_date,
        count(*) as purchases,
        -- decimal(18, 2) like the orders: a wider (128-bit) decimal is several times
        -- slower to scan; a customer's day over 10^16 fails loudly on this cast
        cast(sum(revenue) as decimal(18, 2)) as revenue,
        cast(sum(margin) as decimal(18, 2)) as margin
    from purchases
    group by customer_id, ordered_date
),

sequenced as (
    select
        *,
        row_number() over (
            partition by customer_id order by purchase_date
        ) as purchase_day_number,
        cast(sum(purchases) over (
            partition by customer_id order by purchase_date
            rows between unbounded preceding and current row
        ) as bigint) as cumulative_purchases,
        lag(purchase_date) over (
            partition by customer_id order by purchase_date
        ) as previous_purchase_date,
        lead(purchase_date) over (
            partition by customer_id order by purchase_date
        ) as next_purchase_date
    from purchase_days
),

final as (
    select
        customer_id,
        purchase_day_number,
        purchases,
        cumulative_purchases,
        revenue,
        margin,
        purchase_day_number = 1 as is_first_purchase,
        coalesce(
            {{ churn_date_after('previous_purchase_date') }} <= purchase_date,
            false
        ) as is_reactivation,
        purchase_date,
        previous_purchase_date,
        next_purchase_date
    from sequenced
)

select * from final
