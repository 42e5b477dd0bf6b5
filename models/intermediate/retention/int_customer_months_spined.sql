{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ delete_incremental_window(
        'month_start_date >= ' ~ incremental_window_start_month()
    ) }}",
    post_hook="{{ record_incremental_build() }}",
) }}

{#- One row per purchaser and calendar month, from the month of the first purchase
    to the as-of month (after churn too), with the month's activity and the
    customer's status at the month's end (the as-of date for the as-of month) and
    at its start (the previous month's end).
    Incremental: the months from the window start's month on. The kept row of the
    month before enters as a carry-in row per customer, so running totals and the
    last purchase continue where the kept months end, without reading the purchases
    before the window. -#}

with purchase_days as (
    -- the purchases and churns of the months to build
    select * from {{ ref('int_purchase_days_sequenced') }}
    where
        -- a churn in those months follows a purchase at most churn_after_days
        -- before: this bound reaches the table scan, the "or" below does not
        purchase_date >= cast({{ dbt.dateadd(
            'day', -1 * var('churn_after_days'), incremental_window_start_month()
        ) }} as date)
        and (
            purchase_date >= {{ incremental_window_start_month() }}
            or churn_date >= {{ incremental_window_start_month() }}
        )
),

customers as (
    select
        customer_id,
        purchase_date as first_purchase_date
    from purchase_days
    where
        purchase_day_number = 1
        and purchase_date >= {{ incremental_window_start_month() }}
    {%- if is_incremental() %}

    union all

    -- the customers of the kept months
    select
        customer_id,
        first_purchase_date
    from {{ this }}
    where
        month_start_date = {{ incremental_window_previous_month() }}
    {%- endif %}
),

months as (
    {{ month_starts(
        '(select greatest(min(customers.first_purchase_date), '
        ~ incremental_window_start_month() ~ ') from customers)',
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
        -- decimal(18, 2), as in int_purchase_days_numbered
        cast(sum(revenue) as decimal(18, 2)) as revenue,
        cast(sum(margin) as decimal(18, 2)) as margin,
        bool_or(is_reactivation) as is_reactivated,
        max(purchase_date) as last_purchase_date_in_month
    from purchase_days
    where purchase_date >= {{ incremental_window_start_month() }}
    group by all
),

monthly_churns as (
    -- one churn a month at most: churn_after_days >= 31
    select
        customer_id,
        cast({{ dbt.date_trunc('month', 'churn_date') }} as date) as month_start_date
    from purchase_days
    where churn_date >= {{ incremental_window_start_month() }}
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
        ) as month_end_date,
        false as is_carry_in
    from spine
    left join monthly_purchases
        on
            spine.customer_id = monthly_purchases.customer_id
            and spine.month_start_date = monthly_purchases.month_start_date
    left join monthly_churns
        on
            spine.customer_id = monthly_churns.customer_id
            and spine.month_start_date = monthly_churns.month_start_date
    {%- if is_incremental() %}

    union all

    -- the kept months, summed up as one row in the month before the first: its
    -- running totals and last purchase, from the kept row of that month
    select
        customer_id,
        month_start_date,
        first_purchase_date,
        cumulative_purchases as purchases,
        null as revenue,
        null as margin,
        false as is_reactivated,
        false as is_churned_in_month,
        last_purchase_date as last_purchase_date_in_month,
        month_end_date,
        true as is_carry_in
    from {{ this }}
    where
        month_start_date = {{ incremental_window_previous_month() }}
    {%- endif %}
),

carried as (
    -- one sort for every window: the running totals, and the same frame up to the
    -- month before, from which the status at the month's start is computed (a lag of
    -- the status at the month's end would sort the 12M rows a second time)
    select
        *,
        cast(sum(purchases) over to_this_month as bigint) as cumulative_purchases,
        max(last_purchase_date_in_month) over to_this_month as last_purchase_date,
        max(last_purchase_date_in_month) over to_last_month
            as last_purchase_date_at_month_start,
        lag(month_end_date) over customer_months as previous_month_end_date
    from joined
    window
        customer_months as (partition by customer_id order by month_start_date),
        to_this_month as (
            customer_months rows between unbounded preceding and current row
        ),
        to_last_month as (
            customer_months rows between unbounded preceding and 1 preceding
        )
),

with_start_status as (
    select
        *,
        {{ customer_status('last_purchase_date', 'month_end_date') }}
            as status_at_month_end,
        -- null in a customer's first month
        case
            when previous_month_end_date is not null
                then {{ customer_status(
                    'last_purchase_date_at_month_start', 'previous_month_end_date'
                ) }}
        end as status_at_month_start
    from carried
),

final as (
    select
        customer_id,
        status_at_month_start,
        status_at_month_end,
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
    from with_start_status
    where not is_carry_in
)

select * from final
