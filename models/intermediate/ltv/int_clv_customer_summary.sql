{#- The BTYD summary of every customer whose first purchase is on or before the
    calibration end, in the papers' conventions (SPEC.md section 3): transactions are
    purchase days; x = repeat transactions up to the calibration end (inclusive),
    t_x = time from the first to the last of them, T = time from the first to the
    calibration end, both in units of clv_time_unit_days; m_x = mean revenue of the
    repeat transactions (the first excluded). The holdout counts the transactions
    after the calibration end, up to the as-of date. Sorted by customer_id so the
    Python fit sees the same rows in the same order on every build. -#}

with orders as (
    select
        customer_id,
        customer_order_number,
        revenue,
        cost,
        margin,
        ordered_date
    from {{ ref('fct_orders') }}
    where is_purchase
),

purchase_days as (
    select
        customer_id,
        ordered_date as purchase_date,
        -- decimal(18, 2) like the orders: the exact sums below stay exact
        cast(sum(revenue) as decimal(18, 2)) as revenue,
        min(customer_order_number) = 1 as is_first_purchase
    from orders
    group by customer_id, ordered_date
),

purchases as (
    select * from orders
    where ordered_date <= {{ clv_calibration_end() }}
),

margin as (
    -- margin rate of calibration purchases with a known cost; 1 when none is known
    select
        coalesce(
            sum(margin) / nullif(sum(case when cost is not null then revenue end), 0),
            1.0
        ) as margin_rate
    from purchases
),

per_customer as (
    select
        customer_id,
        min(purchase_date) as first_purchase_date,
        max(case when purchase_date <= {{ clv_calibration_end() }} then purchase_date end)
            as last_calibration_purchase_date,
        count(case when purchase_date <= {{ clv_calibration_end() }} then 1 end) - 1
            as x,
        -- exact decimal sum, then divide: avg() of decimals goes through floating
        -- point, whose parallel sums differ between builds in the last bits
        sum(
            case
                when
                    purchase_date <= {{ clv_calibration_end() }}
                    and not is_first_purchase
                    then revenue
            end
        ) / nullif(count(
            case
                when
                    purchase_date <= {{ clv_calibration_end() }}
                    and not is_first_purchase
                    then 1
            end
        ), 0) as m_x,
        count(case when purchase_date > {{ clv_calibration_end() }} then 1 end)
            as holdout_transactions
    from purchase_days
    group by customer_id
    having min(purchase_date) <= {{ clv_calibration_end() }}
),

final as (
    select
        per_customer.customer_id,
        per_customer.x,
        {{ dbt.datediff('first_purchase_date', 'last_calibration_purchase_date', 'day') }}
        / {{ var('clv_time_unit_days') }} as t_x,
        {{ dbt.datediff('first_purchase_date', clv_calibration_end(), 'day') }}
        / {{ var('clv_time_unit_days') }} as "T",  -- noqa: RF06
        cast(per_customer.m_x as double) as m_x,
        per_customer.holdout_transactions,
        {{ dbt.datediff(clv_calibration_end(), as_of_date(), 'day') }}
            as holdout_days,
        cast(margin.margin_rate as double) as margin_rate,
        {{ var('clv_time_unit_days') }} as time_unit_days,
        per_customer.first_purchase_date,
        {{ clv_calibration_end() }} as calibration_end
    from per_customer
    cross join margin
    order by per_customer.customer_id
)

select * from final
