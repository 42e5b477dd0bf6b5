{#- The BTYD summary of every customer whose first purchase is on or before the
    calibration end, in the papers' conventions (docs/marts.md): transactions are
    purchase days; x = repeat transactions up to the calibration end (inclusive),
    t_x = time from the first to the last of them, T = time from the first to the
    calibration end, both in units of clv_time_unit_days; m_x = mean revenue of the
    repeat transactions (the first excluded). The holdout counts the transactions
    after the calibration end, up to the as-of date. Sorted by customer_id so the
    Python fit sees the same rows in the same order on every build. -#}

{%- set calibration_end = clv_calibration_end() %}

with orders as (
    select
        customer_id,
        previous_purchase_date,
        revenue,
        cost,
        margin,
        ordered_date
    from {{ ref('int_orders_sequenced') }}
    where is_purchase
),

customers as (
    select
        customer_id,
        first_purchase_date
    from {{ ref('int_customer_purchases_summarised') }}
),

flagged_purchases as (
    -- every purchase, the first of each purchase day flagged (int_orders_sequenced
    -- orders a day's purchases by time), with the customer's first purchase date
    select
        orders.customer_id,
        orders.ordered_date,
        orders.revenue,
        orders.previous_purchase_date is null
        or orders.previous_purchase_date < orders.ordered_date as is_first_of_day,
        customers.first_purchase_date
    from orders
    inner join customers on orders.customer_id = customers.customer_id
),

calibration_purchases as (
    select * from orders
    where ordered_date <= {{ calibration_end }}
),

margin as (
    -- margin rate of calibration purchases with a known cost; 1 when none is known
    select
        coalesce(
            sum(margin) / nullif(sum(case when cost is not null then revenue end), 0),
            1.0
        ) as margin_rate
    from calibration_purchases
),

per_customer as (
    -- over the orders: a purchase day counts once (its first order), and the
    -- repeat days' revenue is that of the orders after the first purchase day
    select
        customer_id,
        min(first_purchase_date) as first_purchase_date,
        max(case when ordered_date <= {{ calibration_end }} then ordered_date end)
            as last_calibration_purchase_date,
        count(
            case
                when is_first_of_day and ordered_date <= {{ calibration_end }}
                    then 1
            end
        ) - 1 as x,
        -- exact decimal sum, then divide: avg() of decimals goes through floating
        -- point, whose parallel sums differ between builds in the last bits
        sum(
            case
                when
                    ordered_date <= {{ calibration_end }}
                    and ordered_date > first_purchase_date
                    then revenue
            end
        ) / nullif(count(
            case
                when
                    is_first_of_day
                    and ordered_date <= {{ calibration_end }}
                    and ordered_date > first_purchase_date
                    then 1
            end
        ), 0) as m_x,
        count(
            case
                when is_first_of_day and ordered_date > {{ calibration_end }}
                    then 1
            end
        ) as holdout_transactions
    from flagged_purchases
    group by customer_id
    having min(first_purchase_date) <= {{ calibration_end }}
),

final as (
    select
        per_customer.customer_id,
        per_customer.x,
        {{ dbt.datediff('first_purchase_date', 'last_calibration_purchase_date', 'day') }}
        / {{ var('clv_time_unit_days') }} as t_x,
        {{ dbt.datediff('first_purchase_date', calibration_end, 'day') }}
        / {{ var('clv_time_unit_days') }} as {{ adapter.quote('T') }},
        cast(per_customer.m_x as double) as m_x,
        per_customer.holdout_transactions,
        {{ dbt.datediff(calibration_end, as_of_date(), 'day') }}
            as holdout_days,
        cast(margin.margin_rate as double) as margin_rate,
        {{ var('clv_time_unit_days') }} as time_unit_days,
        per_customer.first_purchase_date,
        {{ calibration_end }} as calibration_end
    from per_customer
    cross join margin
    order by per_customer.customer_id
)

select * from final
