{#- What changes a purchaser's months, one row per event, dated the day it takes
    effect: purchases, reactivations and churns (int_customer_activity_events),
    recommendations (int_customer_recommendations_unioned), and each purchase and
    recommendation leaving the trailing loyalty window by the as-of date (one on day d
    is in the window of the month ends in [d, d + loyalty_window_days), so it leaves
    on d + loyalty_window_days). Each row says what it changes: the month's
    purchases, revenue and margin, the customer's running totals, the purchase date,
    whether it is a reactivation or a churn. int_customer_months_accumulated sums
    them per customer-month.

    A view of the whole history, which a daily build of
    int_customer_months_accumulated reads from the first day whose act can change a
    rebuilt month: its filter on event_date, the day of the act itself, reaches the
    reads of the tables below (their CTEs are not materialised first). -#}

{{ config(materialized='view') }}

{%- set window_days = var('loyalty_window_days') %}
{%- set as_of = as_of_date() %}

with activity as {{ not_materialized() }} (
    select
        customer_id,
        event_type,
        event_date,
        order_id,
        revenue,
        margin,
        cast({{ dbt.dateadd('day', window_days, 'event_date') }} as date)
            as window_exit_date
    from {{ ref('int_customer_activity_events') }}
),

recommendations as {{ not_materialized() }} (
    select
        customer_id,
        recommendation_id,
        recommended_date,
        cast({{ dbt.dateadd('day', window_days, 'recommended_date') }} as date)
            as window_exit_date
    from {{ ref('int_customer_recommendations_unioned') }}
),

purchases as (
    select
        customer_id,
        order_id as source_id,
        'purchase' as event_kind,
        1 as purchases,
        revenue,
        margin,
        1 as cumulative_purchases_change,
        1 as window_purchases_change,
        0 as window_recommendations_change,
        false as is_reactivation,
        false as is_churn,
        event_date,
        event_date as effective_date,
        event_date as purchase_date
    from activity
    where event_type = 'purchase'
),

reactivations_and_churns as (
    select
        customer_id,
        order_id as source_id,
        event_type as event_kind,
        0 as purchases,
        cast(null as decimal(18, 2)) as revenue,
        cast(null as decimal(18, 2)) as margin,
        0 as cumulative_purchases_change,
        0 as window_purchases_change,
        0 as window_recommendations_change,
        event_type = 'reactivation' as is_reactivation,
        event_type = 'churn' as is_churn,
        event_date,
        event_date as effective_date,
        cast(null as date) as purchase_date
    from activity
    where event_type in ('reactivation', 'churn')
),

purchases_leaving_the_window as (
    select
        customer_id,
        order_id as source_id,
        'purchase_leaving_window' as event_kind,
        0 as purchases,
        cast(null as decimal(18, 2)) as revenue,
        cast(null as decimal(18, 2)) as margin,
        0 as cumulative_purchases_change,
        -1 as window_purchases_change,
        0 as window_recommendations_change,
        false as is_reactivation,
        false as is_churn,
        event_date,
        window_exit_date as effective_date,
        cast(null as date) as purchase_date
    from activity
    where event_type = 'purchase' and window_exit_date <= {{ as_of }}
),

recommendation_events as (
    select
        customer_id,
        recommendation_id as source_id,
        'recommendation' as event_kind,
        0 as purchases,
        cast(null as decimal(18, 2)) as revenue,
        cast(null as decimal(18, 2)) as margin,
        0 as cumulative_purchases_change,
        0 as window_purchases_change,
        1 as window_recommendations_change,
        false as is_reactivation,
        false as is_churn,
        recommended_date as event_date,
        recommended_date as effective_date,
        cast(null as date) as purchase_date
    from recommendations
),

recommendations_leaving_the_window as (
    select
        customer_id,
        recommendation_id as source_id,
        'recommendation_leaving_window' as event_kind,
        0 as purchases,
        cast(null as decimal(18, 2)) as revenue,
        cast(null as decimal(18, 2)) as margin,
        0 as cumulative_purchases_change,
        0 as window_purchases_change,
        -1 as window_recommendations_change,
        false as is_reactivation,
        false as is_churn,
        recommended_date as event_date,
        window_exit_date as effective_date,
        cast(null as date) as purchase_date
    from recommendations
    where window_exit_date <= {{ as_of }}
),

final as (
    select * from purchases
    union all
    select * from reactivations_and_churns
    union all
    select * from purchases_leaving_the_window
    union all
    select * from recommendation_events
    union all
    select * from recommendations_leaving_the_window
)

select * from final
