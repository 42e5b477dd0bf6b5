{#- Per customer signed up by the as-of date: the months of sign-up and of first
    purchase, which decide when a customer is a prospect on the ladder. -#}

with customers as (
    select * from {{ ref('stg_raw__customers') }}
    where signed_up_date <= {{ as_of_date() }}
),

purchases as (
    select * from {{ ref('int_customer_purchases_summarised') }}
),

final as (
    select
        customers.customer_id,
        cast({{ dbt.date_trunc('month', 'customers.signed_up_date') }} as date)
            as signup_month,
        cast({{ dbt.date_trunc('month', 'purchases.first_purchase_date') }} as date)
            as first_purchase_month
    from customers
    left join purchases on customers.customer_id = purchases.customer_id
)

select * from final
