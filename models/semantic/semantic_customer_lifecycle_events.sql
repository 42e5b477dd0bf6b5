{#- A purchaser's lifecycle events, one row each: the first purchase, each churn and
    each reactivation (fct_churn_events), dated by their day. The semantic layer reads
    a period's churn rate off them: the customers whose first event in the period is
    a churn are those who were active or at risk at its start and churned in it
    (docs/dashboard-and-metrics.md, "What each metric means over a period"). -#}

with first_purchases as (
    select
        customer_id,
        first_purchase_date as event_date
    from {{ ref('dim_customers').include(database=False) }}
    where is_purchaser
),

churn_events as (
    select
        churn_event_id,
        customer_id,
        event_type,
        event_date
    from {{ ref('fct_churn_events').include(database=False) }}
),

final as (
    select
        {{ dbt.concat(['customer_id', "'|first_purchase'"]) }} as lifecycle_event_id,
        customer_id,
        'first_purchase' as event_type,
        event_date
    from first_purchases
    union all
    select
        churn_event_id as lifecycle_event_id,
        customer_id,
        event_type,
        event_date
    from churn_events
)

select * from final
