{#- Customers per Dick and Basu loyalty type as of the as-of date, with their share
    and mean historical revenue; every type of the seed, 0 when empty. -#}

with loyalty as (
    select * from {{ ref('int_customers_loyalty_evaluated') }}
),

purchases as (
    select * from {{ ref('int_customer_purchases_summarised') }}
),

types as (
    select * from {{ ref('loyalty_types') }}
),

counted as (
    select
        loyalty.loyalty_type,
        count(*) as customers,
        sum(coalesce(purchases.historical_revenue, 0)) / count(*)
            as mean_historical_revenue
    from loyalty
    left join purchases on loyalty.customer_id = purchases.customer_id
    group by loyalty.loyalty_type
),

final as (
    select
        types.loyalty_type,
        types.attitude,
        types.patronage,
        coalesce(counted.customers, 0) as customers,
        {{ safe_divide('coalesce(counted.customers, 0)',
                       'sum(coalesce(counted.customers, 0)) over ()') }} as share,
        {{ round_to_cents('counted.mean_historical_revenue') }}
            as mean_historical_revenue
    from types
    left join counted on types.loyalty_type = counted.loyalty_type
)

select * from final
