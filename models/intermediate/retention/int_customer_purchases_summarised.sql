{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ delete_incremental_customers(
        ref('int_purchase_days_numbered'), 'purchase_date',
        own_date_column='last_purchase_date', days_before=var('churn_after_days')
    ) }}",
    post_hook="{{ record_incremental_build() }}",
) }}

{#- One row per purchaser: purchase history as of the as-of date.
    Incremental: the customers with a purchase in the window or a churn that may
    fall in it (a purchase up to churn_after_days before the window). -#}

-- depends_on: {{ ref('int_purchase_days_numbered') }}
with purchase_days as (
    select * from {{ ref('int_purchase_days_sequenced') }}
    {%- if is_incremental() %}
    where customer_id in {{ incremental_customers() }}
    {%- endif %}
),

final as (
    select
        customer_id,
        cast(sum(purchases) as bigint) as purchases,
        count(*) as purchase_days,
        sum(revenue) as historical_revenue,
        sum(margin) as historical_margin,
        count(churn_date) as churns,
        count(case when is_reactivation then 1 end) as reactivations,
        min(purchase_date) as first_purchase_date,
        max(purchase_date) as last_purchase_date,
        min(churn_date) as first_churn_date
    from purchase_days
    group by customer_id
)

select * from final
