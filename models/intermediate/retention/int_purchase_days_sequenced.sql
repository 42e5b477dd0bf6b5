{#- One row per customer and day with a purchase (a "transaction": several
    purchases on one day are one), with the churn and reactivation rules applied:
    - the customer churns on churn_date_after(purchase_date) when no purchase
      comes before that day and the day is on or before the as-of date;
    - a purchase is a reactivation when the customer had churned by then
      (the previous purchase day's churn date is on or before it). -#}

with purchases as (
    select * from {{ ref('int_orders_sequenced') }}
    where is_purchase
),

purchase_days as (
    select
        customer_id,
        ordered_date as purchase_date,
        count(*) as purchases,
        sum(revenue) as revenue,
        sum(margin) as margin
    from purchases
    group by customer_id, ordered_date
),

sequenced as (
    select
        *,
        row_number() over (
            partition by customer_id order by purchase_date
        ) as purchase_day_number,
        cast(sum(purchases) over (
            partition by customer_id order by purchase_date
            rows between unbounded preceding and current row
        ) as bigint) as cumulative_purchases,
        lag(purchase_date) over (
            partition by customer_id order by purchase_date
        ) as previous_purchase_date,
        lead(purchase_date) over (
            partition by customer_id order by purchase_date
        ) as next_purchase_date
    from purchase_days
),

final as (
    select
        customer_id,
        purchase_day_number,
        purchases,
        cumulative_purchases,
        revenue,
        margin,
        purchase_day_number = 1 as is_first_purchase,
        coalesce(
            {{ churn_date_after('previous_purchase_date') }} <= purchase_date,
            false
        ) as is_reactivation,
        purchase_date,
        previous_purchase_date,
        next_purchase_date,
        case
            when
                (
                    next_purchase_date is null
                    or next_purchase_date >= {{ churn_date_after('purchase_date') }}
                )
                and {{ churn_date_after('purchase_date') }} <= {{ as_of_date() }}
                then cast({{ churn_date_after('purchase_date') }} as date)
        end as churn_date
    from sequenced
)

select * from final
