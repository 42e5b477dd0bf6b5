{#- One row per purchaser: purchase history as of the as-of date, from the
    customer's activity events. A purchase day is counted once (its first order). -#}

with events as (
    select * from {{ ref('int_customer_activity_events') }}
),

final as (
    select
        customer_id,
        count(case when event_type = 'purchase' then 1 end) as purchases,
        count(
            case
                when
                    event_type = 'purchase'
                    and (
                        previous_purchase_date is null
                        or previous_purchase_date < event_date
                    )
                    then 1
            end
        ) as purchase_days,
        sum(revenue) as historical_revenue,
        sum(margin) as historical_margin,
        count(case when event_type = 'churn' then 1 end) as churns,
        count(case when event_type = 'reactivation' then 1 end) as reactivations,
        min(case when event_type = 'purchase' then event_date end) as first_purchase_date,
        max(case when event_type = 'purchase' then event_date end) as last_purchase_date,
        min(case when event_type = 'churn' then event_date end) as first_churn_date
    from events
    group by customer_id
)

select * from final
