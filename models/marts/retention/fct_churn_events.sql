{#- Every churn and reactivation as of the as-of date: the events of
    int_customer_activity_events that are not purchases. -#}

with events as (
    select * from {{ ref('int_customer_activity_events') }}
    where event_type in ('churn', 'reactivation')
),

final as (
    select
        {{ surrogate_key(['customer_id', 'event_type', 'event_date']) }}
            as churn_event_id,
        customer_id,
        event_type,
        days_since_previous_purchase as days_inactive,
        event_date,
        previous_purchase_date as last_purchase_date
    from events
)

select * from final
