{%- set as_of = as_of_date() %}

with customers as (
    select * from {{ ref('stg_raw__customers') }}
),

purchases as (
    select * from {{ ref('int_customer_purchases_summarised') }}
),

rfm as (
    select * from {{ ref('int_customers_rfm_scored') }}
),

predictions as (
    select * from {{ ref('clv_customer_predictions') }}
),

loyalty as (
    select * from {{ ref('int_customers_loyalty_evaluated') }}
),

final as (
    select
        customers.customer_id,
        customers.referred_by_customer_id,
        {{ email_sha256('customers.email') }} as email_sha256,
        customers.acquisition_channel,
        customers.country_code,
        {{ customer_status('purchases.last_purchase_date', as_of) }} as status,
        loyalty.loyalty_stage,
        loyalty.loyalty_type,
        rfm.rfm_segment,
        loyalty.latest_nps_category,
        coalesce(purchases.purchases, 0) as purchases,
        coalesce(purchases.purchase_days, 0) as purchase_days,
        cast(coalesce(purchases.historical_revenue, 0) as decimal(38, 2))
            as historical_revenue,
        cast(purchases.historical_margin as decimal(38, 2)) as historical_margin,
        {{ round_to_cents('purchases.historical_revenue / purchases.purchases') }} as aov,
        {{ datediff_bigint('purchases.last_purchase_date', as_of, 'day') }}
            as days_since_last_purchase,
        loyalty.latest_nps_score,
        loyalty.referred_customers,
        cast(loyalty.referred_revenue as decimal(38, 2)) as referred_revenue,
        loyalty.purchases_in_window as purchases_12m,
        rfm.recency_score,
        rfm.frequency_score,
        rfm.monetary_score,
        predictions.p_alive,
        predictions.expected_transactions,
        cast(predictions.predicted_clv as decimal(38, 2)) as predicted_clv,
        coalesce(purchases.churns, 0) as churns,
        coalesce(purchases.reactivations, 0) as reactivations,
        purchases.customer_id is not null as is_purchaser,
        customers.is_referred,
        customers.signed_up_at,
        customers.signed_up_date,
        purchases.first_purchase_date,
        purchases.last_purchase_date
    from customers
    left join purchases on customers.customer_id = purchases.customer_id
    left join rfm on customers.customer_id = rfm.customer_id
    left join predictions on customers.customer_id = predictions.customer_id
    left join loyalty on customers.customer_id = loyalty.customer_id
)

select * from final
