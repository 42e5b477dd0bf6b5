{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ delete_incremental_window(
        'activity_month >= ' ~ incremental_window_start_month()
    ) }}",
    post_hook="{{ record_incremental_build() }}",
) }}

{#- Cohort = calendar month of the first purchase. Every purchaser appears in every
    month of the spine from that month to the as-of month, so each cell counts the
    whole cohort, and no cell lies after the as-of month. Cumulative revenue per
    customer sums the customers' own running totals from the spine, so a cell needs
    only its own month. Incremental: the activity months from the window start's
    month on. -#}

with customer_months as (
    select * from {{ ref('int_customer_months_spined') }}
    where month_start_date >= {{ incremental_window_start_month() }}
),

cells as (
    select
        cast({{ dbt.date_trunc('month', 'first_purchase_date') }} as date)
            as cohort_month,
        months_since_first_purchase,
        month_start_date as activity_month,
        count(*) as cohort_size,
        count(case when purchases > 0 then 1 end) as active_customers,
        sum(revenue) as revenue,
        sum(cumulative_revenue) as cumulative_revenue,
        sum(cumulative_margin) as cumulative_margin
    from customer_months
    group by all
),

final as (
    select
        {{ surrogate_key(['cohort_month', 'months_since_first_purchase']) }}
            as cohort_cell_id,
        months_since_first_purchase,
        cohort_size,
        active_customers,
        {{ safe_divide('active_customers', 'cohort_size') }} as retention_rate,
        cast(revenue as decimal(38, 2)) as revenue,
        cast(cumulative_revenue / cohort_size as decimal(38, 2))
            as cumulative_revenue_per_customer,
        cast(cumulative_margin / cohort_size as decimal(38, 2))
            as cumulative_margin_per_customer,
        cohort_month,
        activity_month
    from cells
)

select * from final
