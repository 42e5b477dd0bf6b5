{#- One row per purchaser: purchase history as of the as-of date. -#}

with purchase_days as (
    select * from {{ ref('int_purchase_days_sequenced') }}
),

final as (
    select
        customer_id,
        cast(sum(purchases) as bigint) as purchases,
        count(*) as purchase_days,
        sum(revenue) as historical_revenue,
        sum(margin) as historical_margin,
        count(churn_date) as churns,
        count(case when is_reactivation then 1 end) as reactivations,
        min(purchase_date) as first_purchase_date,
        max(purchase_date) as last_purchase_date,
        min(churn_date) as first_churn_date
    from purchase_days
    group by customer_id
)

select * from final
