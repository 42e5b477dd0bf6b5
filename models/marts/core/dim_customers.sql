with customers as (
    select * from {{ ref('stg_raw__customers') }}
),

purchases as (
    select * from {{ ref('int_customer_purchases_summarised') }}
),

final as (
    select
        customers.customer_id,
        customers.referred_by_customer_id,
        {{ email_sha256('customers.email') }} as email_sha256,
        customers.acquisition_channel,
        customers.country_code,
        {{ customer_status('purchases.last_purchase_date', as_of_date()) }} as status,
        coalesce(purchases.purchases, 0) as purchases,
        coalesce(purchases.purchase_days, 0) as purchase_days,
        cast(coalesce(purchases.historical_revenue, 0) as decimal(18, 2))
            as historical_revenue,
        cast(purchases.historical_margin as decimal(18, 2)) as historical_margin,
        cast(
            purchases.historical_revenue / purchases.purchases as decimal(18, 2)
        ) as aov,
        {{ dbt.datediff('purchases.last_purchase_date', as_of_date(), 'day') }}
            as days_since_last_purchase,
        coalesce(purchases.churns, 0) as churns,
        coalesce(purchases.reactivations, 0) as reactivations,
        purchases.customer_id is not null as is_purchaser,
        customers.signed_up_at,
        purchases.first_purchase_date,
        purchases.last_purchase_date
    from customers
    left join purchases on customers.customer_id = purchases.customer_id
)

select * from final
