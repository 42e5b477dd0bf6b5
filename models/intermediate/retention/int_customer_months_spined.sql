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
    Built from the active months, those with a purchase or a churn: the running
    totals are computed on those, and each is then repeated for the quiet months
    until the customer's next active one. Only the active months are sorted (4.0M
    of 10.2M rows at a million customers), not every customer-month.
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

month_events as (
    select
        customer_id,
        cast({{ dbt.date_trunc('month', 'purchase_date') }} as date) as month_start_date,
        purchases,
        revenue,
        margin,
        is_reactivation as is_reactivated,
        false as is_churned,
        purchase_date
    from purchase_days
    where purchase_date >= {{ incremental_window_start_month() }}

    union all

    -- one churn a month at most: churn_after_days >= 31
    select
        customer_id,
        cast({{ dbt.date_trunc('month', 'churn_date') }} as date) as month_start_date,
        0 as purchases,
        null as revenue,
        null as margin,
        false as is_reactivated,
        true as is_churned,
        null as purchase_date
    from purchase_days
    where churn_date >= {{ incremental_window_start_month() }}
),

active_months as (
    select
        customer_id,
        month_start_date,
        cast(sum(purchases) as bigint) as purchases,
        -- decimal(18, 2), as in int_purchase_days_numbered
        cast(coalesce(sum(revenue), 0) as decimal(18, 2)) as revenue,
        cast(sum(margin) as decimal(18, 2)) as margin,
        bool_or(is_reactivated) as is_reactivated,
        bool_or(is_churned) as is_churned_in_month,
        max(purchase_date) as last_purchase_date_in_month,
        false as is_carry_in
    from month_events
    group by customer_id, month_start_date
    {%- if is_incremental() %}

    union all

    -- the kept months, summed up as one row in the month before the first: its
    -- running totals and last purchase, from the kept row of that month
    select
        customer_id,
        month_start_date,
        cumulative_purchases as purchases,
        null as revenue,
        null as margin,
        false as is_reactivated,
        false as is_churned_in_month,
        last_purchase_date as last_purchase_date_in_month,
        true as is_carry_in
    from {{ this }}
    where
        month_start_date = {{ incremental_window_previous_month() }}
    {%- endif %}
),

carried as (
    -- one sort: the running totals, the same frame up to the month before (the last
    -- purchase at the month's start), and the next active month
    select
        *,
        cast(sum(purchases) over to_this_month as bigint) as cumulative_purchases,
        max(last_purchase_date_in_month) over to_this_month as last_purchase_date,
        max(last_purchase_date_in_month) over to_last_month
            as last_purchase_date_at_month_start,
        lead(month_start_date) over customer_months as next_active_month_start_date
    from active_months
    window
        customer_months as (partition by customer_id order by month_start_date),
        to_this_month as (
            customer_months rows between unbounded preceding and current row
        ),
        to_last_month as (
            customer_months rows between unbounded preceding and 1 preceding
        )
),

repeated as (
    -- each active month, then the quiet months up to the next active one (or the
    -- as-of month)
    select
        * rename (month_start_date as active_month_start_date),
        cast(unnest(generate_series(
            month_start_date,
            coalesce(
                next_active_month_start_date - interval 1 month,
                {{ dbt.date_trunc('month', as_of_date()) }}
            ),
            interval 1 month
        )) as date) as month_start_date
    from carried
),

months as (
    select
        repeated.customer_id,
        repeated.month_start_date,
        customers.first_purchase_date,
        repeated.month_start_date = repeated.active_month_start_date as is_active_month,
        repeated.month_start_date = cast(
            {{ dbt.date_trunc('month', 'customers.first_purchase_date') }} as date
        ) as is_new_customer,
        repeated.is_carry_in,
        repeated.purchases,
        repeated.revenue,
        repeated.margin,
        repeated.is_reactivated,
        repeated.is_churned_in_month,
        repeated.cumulative_purchases,
        repeated.last_purchase_date,
        repeated.last_purchase_date_at_month_start,
        least(
            cast({{ dbt.last_day('repeated.month_start_date', 'month') }} as date),
            {{ as_of_date() }}
        ) as month_end_date
    from repeated
    inner join customers on repeated.customer_id = customers.customer_id
),

month_values as (
    -- a quiet month repeats its active month's running totals, with no activity
    select
        customer_id,
        month_start_date,
        first_purchase_date,
        case when is_active_month then purchases else 0 end as purchases,
        case when is_active_month then revenue else 0 end as revenue,
        case when is_active_month then margin end as margin,
        is_active_month and is_reactivated as is_reactivated,
        is_active_month and is_churned_in_month as is_churned_in_month,
        cumulative_purchases,
        last_purchase_date,
        case
            when is_active_month then last_purchase_date_at_month_start
            else last_purchase_date
        end as last_purchase_date_at_month_start,
        month_end_date,
        -- null in a customer's first month; only the as-of month ends early, so
        -- the month before ends the day before this one starts
        case
            when not is_new_customer
                then cast({{ dbt.dateadd('day', -1, 'month_start_date') }} as date)
        end as previous_month_end_date,
        is_new_customer
    from months
    where not (is_carry_in and is_active_month)
),

with_start_status as (
    select
        *,
        {{ customer_status('last_purchase_date', 'month_end_date') }}
            as status_at_month_end,
        case
            when previous_month_end_date is not null
                then {{ customer_status(
                    'last_purchase_date_at_month_start', 'previous_month_end_date'
                ) }}
        end as status_at_month_start
    from month_values
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
        is_new_customer,
        is_reactivated,
        is_churned_in_month,
        month_start_date,
        month_end_date,
        first_purchase_date,
        last_purchase_date
    from with_start_status
)

select * from final
