{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ delete_incremental_window(
        'event_date >= ' ~ incremental_window_start()
    ) }}",
    post_hook="{{ record_incremental_build() }}",
) }}

{#- Every churn and reactivation. Incremental: the events dated in the window (an
    event before it cannot change: a churn needs the as-of date to reach it, and a
    purchase in the window only changes churns after it). -#}

with purchase_days as (
    select * from {{ ref('int_purchase_days_sequenced') }}
),

churns as (
    select
        customer_id,
        'churn' as event_type,
        {{ dbt.datediff('purchase_date', 'churn_date', 'day') }}
            as days_inactive,
        churn_date as event_date,
        purchase_date as last_purchase_date
    from purchase_days
    where
        churn_date >= {{ incremental_window_start() }}
        -- the same rows, by a bound that reaches the table scan
        and purchase_date
        >= {{ incremental_window_start() }} - {{ var('churn_after_days') }}
),

reactivations as (
    select
        customer_id,
        'reactivation' as event_type,
        {{ dbt.datediff('previous_purchase_date', 'purchase_date', 'day') }}
            as days_inactive,
        purchase_date as event_date,
        previous_purchase_date as last_purchase_date
    from purchase_days
    where is_reactivation and purchase_date >= {{ incremental_window_start() }}
),

unioned as (
    select * from churns
    union all
    select * from reactivations
),

final as (
    select
        {{ surrogate_key(['customer_id', 'event_type', 'event_date']) }}
            as churn_event_id,
        customer_id,
        event_type,
        days_inactive,
        event_date,
        last_purchase_date
    from unioned
)

select * from final
