{#- One row per purchaser and calendar month, from the month of the first purchase
    to the as-of month (after churn too), with the month's activity and the
    customer's status at the month's end (the as-of date for the as-of month). -#}

with purchase_days as (
    select * from {{ ref('int_purchase_days_sequenced') }}
),

customers as (
    select
        customer_id,
        min(purchase_date) as first_purchase_date
    from purchase_days
    group by customer_id
),

months as (
    {{ month_starts(
        '(select min(first_purchase_date) from customers)',
        as_of_date()
    ) }}
),

spine as (
    select
        customers.customer_id,
        customers.first_purchase_date,
        months.month_start_date
    from customers
    inner join months
        on
            months.month_start_date
            >= {{ dbt.date_trunc('month', 'customers.first_purchase_date') }}
),

monthly_purchases as (
    select
        customer_id,
        cast({{ dbt.date_trunc('month', 'purchase_date') }} as date) as month_start_date,
        cast(sum(purchases) as bigint) as purchases,
        sum(revenue) as revenue,
        sum(margin) as margin,
        bool_or(is_reactivation) as is_reactivated,
        max(purchase_date) as last_purchase_date_in_month
    from purchase_days
    group by all
),

monthly_churns as (
    select
        customer_id,
        cast({{ dbt.date_trunc('month', 'churn_date') }} as date) as month_start_date
    from purchase_days
    where churn_date is not null
),

joined as (
    select
        spine.customer_id,
        spine.month_start_date,
        spine.first_purchase_date,
        coalesce(monthly_purchases.purchases, 0) as purchases,
        coalesce(monthly_purchases.revenue, 0) as revenue,
        monthly_purchases.margin,
        coalesce(monthly_purchases.is_reactivated, false) as is_reactivated,
        monthly_churns.customer_id is not null as is_churned_in_month,
        monthly_purchases.last_purchase_date_in_month,
        least(
            cast({{ dbt.last_day('spine.month_start_date', 'month') }} as date),
            {{ as_of_date() }}
        ) as month_end_date
    from spine
    left join monthly_purchases
        on
            spine.customer_id = monthly_purchases.customer_id
            and spine.month_start_date = monthly_purchases.month_start_date
    left join monthly_churns
        on
            spine.customer_id = monthly_churns.customer_id
            and spine.month_start_date = monthly_churns.month_start_date
),

carried as (
    select
        *,
        cast(sum(purchases) over (
            partition by customer_id order by month_start_date
            rows between unbounded preceding and current row
        ) as bigint) as cumulative_purchases,
        max(last_purchase_date_in_month) over (
            partition by customer_id order by month_start_date
            rows between unbounded preceding and current row
        ) as last_purchase_date
    from joined
),

final as (
    select
        customer_id,
        {{ customer_status('last_purchase_date', 'month_end_date') }}
            as status_at_month_end,
        {{ dbt.datediff('first_purchase_date', 'month_start_date', 'month') }}
            as months_since_first_purchase,
        purchases,
        cumulative_purchases,
        revenue,
        margin,
        {{ dbt.datediff('last_purchase_date', 'month_end_date', 'day') }}
            as days_since_last_purchase,
        month_start_date = cast(
            {{ dbt.date_trunc('month', 'first_purchase_date') }} as date
        ) as is_new_customer,
        is_reactivated,
        is_churned_in_month,
        month_start_date,
        month_end_date,
        first_purchase_date,
        last_purchase_date
    from carried
)

select * from final
