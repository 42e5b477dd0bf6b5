{#- Every churn and reactivation as of the as-of date, from the sequenced orders:
    a purchase churn_after_days or more after the previous one is a reactivation,
    and the customer churned churn_after_days after that previous purchase; after
    the last purchase the customer churns once the as-of date reaches it. -#}

{%- set churn_after_days = var('churn_after_days') %}

with purchases as (
    select * from {{ ref('fct_orders') }}
    where is_purchase
),

customers as (
    select * from {{ ref('int_customer_purchases_summarised') }}
),

reactivations as (
    select
        customer_id,
        'reactivation' as event_type,
        days_since_previous_purchase as days_inactive,
        ordered_date as event_date,
        previous_purchase_date as last_purchase_date
    from purchases
    where days_since_previous_purchase >= {{ churn_after_days }}
),

churns_before_a_reactivation as (
    select
        customer_id,
        'churn' as event_type,
        {{ churn_after_days }} as days_inactive,
        cast({{ churn_date_after('last_purchase_date') }} as date) as event_date,
        last_purchase_date
    from reactivations
),

churns_after_the_last_purchase as (
    select
        customer_id,
        'churn' as event_type,
        {{ churn_after_days }} as days_inactive,
        cast({{ churn_date_after('last_purchase_date') }} as date) as event_date,
        last_purchase_date
    from customers
    where {{ churn_date_after('last_purchase_date') }} <= {{ as_of_date() }}
),

unioned as (
    select * from reactivations
    union all
    select * from churns_before_a_reactivation
    union all
    select * from churns_after_the_last_purchase
),

final as (
    select
        {{ surrogate_key(['customer_id', 'event_type', 'event_date']) }}
            as churn_event_id,
        customer_id,
        event_type,
        cast(days_inactive as bigint) as days_inactive,
        event_date,
        last_purchase_date
    from unioned
)

select * from final
