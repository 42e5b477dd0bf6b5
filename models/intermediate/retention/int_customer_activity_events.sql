{#- A purchaser's activity as of the as-of date, one row per event: every purchase;
    a reactivation, a purchase churn_after_days or more after the previous one; and
    a churn, churn_after_days after a purchase that no other followed within that
    time: before each reactivation, and after the last purchase once the as-of date
    has reached it. The churn rule of docs/marts.md (churn, after "Predictive CLV")
    is derived here only: fct_churn_events, fct_customer_months and
    int_customer_purchases_summarised read it.

    A view: the purchases of int_orders_sequenced with a few derived rows, read by
    each of its readers for the dates it needs (a daily build's months only). -#}

{{ config(materialized='view') }}

{%- set churn_after_days = var('churn_after_days') %}

with purchases as {{ not_materialized() }} (
    select
        customer_id,
        order_id,
        ordered_date,
        revenue,
        margin,
        previous_purchase_date,
        days_since_previous_purchase
    from {{ ref('int_orders_sequenced') }}
    where is_purchase
),

last_purchases as (
    select
        customer_id,
        max(ordered_date) as last_purchase_date
    from purchases
    group by customer_id
),

purchase_events as (
    select
        customer_id,
        'purchase' as event_type,
        ordered_date as event_date,
        order_id,
        revenue,
        margin,
        previous_purchase_date,
        days_since_previous_purchase
    from purchases
),

reactivations as (
    select
        customer_id,
        'reactivation' as event_type,
        ordered_date as event_date,
        order_id,
        cast(null as decimal(18, 2)) as revenue,
        cast(null as decimal(18, 2)) as margin,
        previous_purchase_date,
        days_since_previous_purchase
    from purchases
    where days_since_previous_purchase >= {{ churn_after_days }}
),

churns_before_a_reactivation as (
    select
        customer_id,
        'churn' as event_type,
        cast({{ churn_date_after('previous_purchase_date') }} as date) as event_date,
        cast(null as {{ dbt.type_string() }}) as order_id,
        cast(null as decimal(18, 2)) as revenue,
        cast(null as decimal(18, 2)) as margin,
        previous_purchase_date,
        cast({{ churn_after_days }} as bigint) as days_since_previous_purchase
    from purchases
    where days_since_previous_purchase >= {{ churn_after_days }}
),

churns_after_the_last_purchase as (
    select
        customer_id,
        'churn' as event_type,
        cast({{ churn_date_after('last_purchase_date') }} as date) as event_date,
        cast(null as {{ dbt.type_string() }}) as order_id,
        cast(null as decimal(18, 2)) as revenue,
        cast(null as decimal(18, 2)) as margin,
        last_purchase_date as previous_purchase_date,
        cast({{ churn_after_days }} as bigint) as days_since_previous_purchase
    from last_purchases
    where {{ churn_date_after('last_purchase_date') }} <= {{ as_of_date() }}
),

final as (
    select * from purchase_events
    union all
    select * from reactivations
    union all
    select * from churns_before_a_reactivation
    union all
    select * from churns_after_the_last_purchase
)

select * from final
