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
    likewise. Exact to the day, without joining every purchase to every month; the
    joins run only on the rows whose answer is not known without them.
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

first_recommendations as (
    select
        customer_id,
        min(recommended_date) as first_recommended_date
    from recommendations
    group by customer_id
),

months_flagged as (
    -- The two lookups are needed on about a third of the rows. Elsewhere the window
    -- holds every purchase so far (the first came after the window's start) or
    -- none (the last came on or before it), and a month before the customer's first
    -- recommendation has none to find.
    select
        months.*,
        months.first_purchase_date <= months.window_start_date
        and months.last_purchase_date > months.window_start_date
            as needs_window_start_purchases,
        coalesce(
            months.month_end_date >= first_recommendations.first_recommended_date, false
        ) as needs_last_recommendation
    from months
    left join first_recommendations
        on months.customer_id = first_recommendations.customer_id
),

months_looked_up as (
    -- DuckDB ASOF joins: the latest purchase day on or before the window's start,
    -- and the latest recommendation on or before the month end
    select
        months_flagged.*,
        purchase_days.cumulative_purchases as cumulative_purchases_at_window_start,
        recommendations.recommended_date as last_recommended_date
    from months_flagged
    asof left join purchase_days
        on
            months_flagged.customer_id = purchase_days.customer_id
            and months_flagged.window_start_date >= purchase_days.purchase_date
    asof left join recommendations
        on
            months_flagged.customer_id = recommendations.customer_id
            and months_flagged.month_end_date >= recommendations.recommended_date
    where
        months_flagged.needs_window_start_purchases
        or months_flagged.needs_last_recommendation
),

months_without_lookups as (
    select
        *,
        cast(null as bigint) as cumulative_purchases_at_window_start,
        cast(null as date) as last_recommended_date
    from months_flagged
    where not (needs_window_start_purchases or needs_last_recommendation)
),

with_lookups as (
    select * from months_looked_up
    union all
    select * from months_without_lookups
),

with_recommendation as (
    select
        * exclude (
            needs_window_start_purchases,
            needs_last_recommendation,
            cumulative_purchases_at_window_start
        ),
        case
            when needs_window_start_purchases
                then cumulative_purchases - cumulative_purchases_at_window_start
            when first_purchase_date > window_start_date then cumulative_purchases
            else 0
        end as purchases_in_window
    from with_lookups
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
