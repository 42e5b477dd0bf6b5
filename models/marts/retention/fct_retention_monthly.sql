{#- One row per calendar month, from the first purchase month to the as-of month.
    customers_end is counted from customers' status at the month's end, independently
    of S + N + R - L, so the data test on that identity checks the churn rules. -#}

with customer_months as (
    select * from {{ ref('fct_customer_months') }}
),

monthly as (
    select
        month_start_date,
        count(case when status_at_month_end in ('active', 'at_risk') then 1 end)
            as customers_end,
        count(case when is_new_customer then 1 end) as new_customers,
        count(case when is_reactivated then 1 end) as reactivated_customers,
        count(case when is_churned_in_month then 1 end) as churned_customers,
        count(case when purchases > 0 then 1 end) as buyers,
        cast(sum(purchases) as bigint) as orders,
        sum(revenue) as revenue,
        count(*) as purchasers_to_date,
        count(case when cumulative_purchases >= 2 then 1 end) as repeat_purchasers_to_date
    from customer_months
    group by month_start_date
),

with_start as (
    select
        *,
        coalesce(
            lag(customers_end) over (order by month_start_date), 0
        ) as customers_start
    from monthly
),

final as (
    select
        month_start_date,
        customers_start,
        new_customers,
        reactivated_customers,
        churned_customers,
        customers_end,
        {{ safe_divide('churned_customers', 'customers_start') }} as churn_rate,
        {{ safe_divide('customers_start - churned_customers', 'customers_start') }}
            as retention_rate,
        {{ safe_divide('customers_end - new_customers', 'customers_start') }} as crr,
        buyers,
        orders,
        cast(revenue as decimal(38, 2)) as revenue,
        {{ round_to_cents('revenue / nullif(orders, 0)') }} as aov,
        {{ safe_divide('orders', 'buyers') }} as purchase_frequency,
        purchasers_to_date,
        repeat_purchasers_to_date,
        {{ safe_divide('repeat_purchasers_to_date', 'purchasers_to_date') }} as rpr
    from with_start
)

select * from final
