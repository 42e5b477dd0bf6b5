{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ delete_incremental_window(
        'month_start_date >= ' ~ incremental_window_start_month()
    ) }}",
    post_hook="{{ record_incremental_build() }}",
) }}

{#- The customer-month spine (int_customer_months_spined) with the loyalty stage at
    each month end. The trailing window's purchases are cumulative purchases at the
    month end minus those at the window's (exclusive) start, found with an ASOF join
    on the running count; the latest recommendation on or before the month end
    likewise. Exact to the day, without joining every purchase to every month.
    Incremental: the months from the window start's month on. -#}

with months as (
    select
        *,
        {{ dbt.dateadd('day', -1 * var('loyalty_window_days'), 'month_end_date') }}
            as window_start_date
    from {{ ref('int_customer_months_spined') }}
    where month_start_date >= {{ incremental_window_start_month() }}
),

purchase_days as (
    select
        customer_id,
        purchase_date,
        cumulative_purchases
    from {{ ref('int_purchase_days_sequenced') }}
),

recommendations as (
    select
        customer_id,
        recommended_date
    from {{ ref('int_customer_recommendations_unioned') }}
    -- DuckDB 1.4 returns no rows at all from an ASOF LEFT JOIN whose right side is
    -- empty (a data set without referrals): a row with a null key never matches
    -- and keeps the right side non-empty
    union all
    select
        cast(null as varchar) as customer_id,
        cast(null as date) as recommended_date
),

with_window_purchases as (
    -- DuckDB ASOF join: the latest purchase day on or before the window start
    select
        months.*,
        months.cumulative_purchases
        - coalesce(purchase_days.cumulative_purchases, 0) as purchases_in_window
    from months
    asof left join purchase_days
        on
            months.customer_id = purchase_days.customer_id
            and months.window_start_date >= purchase_days.purchase_date
),

with_recommendation as (
    select
        with_window_purchases.*,
        recommendations.recommended_date as last_recommended_date
    from with_window_purchases
    asof left join recommendations
        on
            with_window_purchases.customer_id = recommendations.customer_id
            and with_window_purchases.month_end_date >= recommendations.recommended_date
),

final as (
    select
        customer_id,
        status_at_month_end,
        {{ loyalty_stage(
            'status_at_month_end',
            'cumulative_purchases',
            'purchases_in_window',
            'coalesce(' ~ in_loyalty_window('last_recommended_date', 'month_end_date')
            ~ ', false)'
        ) }} as loyalty_stage_at_month_end,
        months_since_first_purchase,
        purchases,
        cumulative_purchases,
        purchases_in_window,
        cast(revenue as decimal(38, 2)) as revenue,
        cast(margin as decimal(38, 2)) as margin,
        days_since_last_purchase,
        is_new_customer,
        is_reactivated,
        is_churned_in_month,
        month_start_date,
        month_end_date,
        last_purchase_date
    from with_recommendation
)

select * from final
