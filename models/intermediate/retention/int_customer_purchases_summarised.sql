{#- One row per purchaser: purchase history as of the as-of date, from the
    sequenced orders. A purchase day is counted once (its first order). A purchase
    churn_after_days or more after the previous one is a reactivation: the customer
    churned churn_after_days after that previous purchase. The last purchase is
    followed by a churn once the as-of date reaches it. -#}

{%- set churn_after_days = var('churn_after_days') %}

with purchases as (
    select * from {{ ref('fct_orders') }}
    where is_purchase
),

per_customer as (
    select
        customer_id,
        count(*) as purchases,
        count(
            case
                when
                    previous_purchase_date is null
                    or previous_purchase_date < ordered_date
                    then 1
            end
        ) as purchase_days,
        sum(revenue) as historical_revenue,
        sum(margin) as historical_margin,
        count(case when days_since_previous_purchase >= {{ churn_after_days }} then 1 end)
            as reactivations,
        min(ordered_date) as first_purchase_date,
        max(ordered_date) as last_purchase_date,
        min(
            case
                when days_since_previous_purchase >= {{ churn_after_days }}
                    then {{ churn_date_after('previous_purchase_date') }}
            end
        ) as first_reactivated_churn_date
    from purchases
    group by customer_id
),

final as (
    select
        customer_id,
        purchases,
        purchase_days,
        historical_revenue,
        historical_margin,
        reactivations
        + case
            when {{ churn_date_after('last_purchase_date') }} <= {{ as_of_date() }}
                then 1
            else 0
        end as churns,
        reactivations,
        first_purchase_date,
        last_purchase_date,
        cast(coalesce(
            first_reactivated_churn_date,
            case
                when {{ churn_date_after('last_purchase_date') }} <= {{ as_of_date() }}
                    then {{ churn_date_after('last_purchase_date') }}
            end
        ) as date) as first_churn_date
    from per_customer
)

select * from final
