{#- One row per purchaser and calendar month, from the month of the first purchase
    to the as-of month, with the month's activity, the status at the month's start
    and end, and the loyalty stage at the month's end.

    Built from events, each in the month it takes effect:
      - purchases, and the reactivations among them (a purchase churn_after_days or
        more after the previous one);
      - churns: the previous purchase + churn_after_days when the gap is that long,
        and after the last purchase, once the as-of date has reached it;
      - the trailing loyalty window (loyalty_window_days ending on the month's end)
        as a purchase or a recommendation on day d entering it in d's month and
        leaving it in the month of d + loyalty_window_days (on or before the as-of
        date), so that running sums over the months count what is in the window at
        each month's end, exactly to the day.
    The months with events (about two in five) are summed up and their running totals
    taken; each is then repeated for the quiet months up to the customer's next one.

    Incremental by month (macro incremental_window_start): the months from the window
    start on, or from the earliest month whose purchases in fct_orders changed. The kept row of the month before enters as one event per customer
    carrying its running totals, so only the events of the rebuilt months, and the
    purchases and recommendations that leave the window in them, are read. The rules
    the months were built with are recorded in every row (churn_after_days, ...):
    when they change, every month is rebuilt. -#}

{#- the vars the kept months depend on: recorded in every row -#}
{%- set rules = {
    'churn_after_days': var('churn_after_days'),
    'at_risk_after_days': var('at_risk_after_days'),
    'loyalty_window_days': var('loyalty_window_days'),
    'loyal_min_orders_12m': var('loyal_min_orders_12m'),
} -%}
{#- a customer's month of purchases that fct_orders holds otherwise than this table
    (an order refunded, or moved, since) re-derives that month on -#}
{%- set purchase_columns = [
    'customer_id', 'purchases', 'revenue', 'margin', 'last_purchase_date'
] -%}
{%- set window_start = incremental_window_start('month_end_date', rules=rules, compare={
    'columns': purchase_columns,
    'upstream': 'select customer_id, month_start_date, cast(count(*) as bigint) as purchases, '
        ~ 'cast(sum(revenue) as decimal(18, 2)) as revenue, '
        ~ 'cast(sum(margin) as decimal(18, 2)) as margin, '
        ~ 'max(ordered_date) as last_purchase_date from ' ~ ref('fct_orders')
        ~ ' where is_purchase group by customer_id, month_start_date',
    'kept': 'select ' ~ purchase_columns | join(', ') ~ ', month_start_date from ' ~ this
        ~ ' where purchases > 0',
}) -%}
{%- set churn_after_days = var('churn_after_days') -%}
{%- set loyalty_window_days = var('loyalty_window_days') -%}
{%- set as_of_month = 'cast(' ~ dbt.date_trunc('month', as_of_date()) ~ ' as date)' -%}
{%- set previous_month = 'cast(' ~ dbt.dateadd('month', -1, window_start)
    ~ ' as date)' -%}
{#- the first day whose purchase or recommendation can leave the window in a
    rebuilt month -#}
{%- set events_start = 'cast('
    ~ dbt.dateadd('day', -1 * loyalty_window_days, window_start) ~ ' as date)' -%}

with purchases as (
    select
        customer_id,
        ordered_date,
        revenue,
        margin,
        previous_purchase_date,
        days_since_previous_purchase
    from {{ ref('fct_orders') }}
    where is_purchase and ordered_date >= {{ events_start }}
),

recommendations as (
    select
        customer_id,
        recommended_date
    from {{ ref('int_customer_recommendations_unioned') }}
    where recommended_date >= {{ events_start }}
),

carried_in as (
    -- the kept month before the rebuilt ones (none when every month is rebuilt)
    {%- if is_incremental() and window_start != incremental_window_everything() %}
    select
        customer_id,
        month_start_date,
        first_purchase_date,
        cumulative_purchases,
        purchases_in_window,
        recommendations_in_window,
        last_purchase_date
    from {{ this }}
    where month_start_date = {{ previous_month }}
    {%- else %}
    select
        cast(null as {{ dbt.type_string() }}) as customer_id,
        cast(null as date) as month_start_date,
        cast(null as date) as first_purchase_date,
        cast(null as bigint) as cumulative_purchases,
        cast(null as bigint) as purchases_in_window,
        cast(null as bigint) as recommendations_in_window,
        cast(null as date) as last_purchase_date
    where false
    {%- endif %}
),

purchase_events as (
    select
        customer_id,
        cast({{ dbt.date_trunc('month', 'ordered_date') }} as date) as month_start_date,
        count(*) as purchases,
        sum(revenue) as revenue,
        sum(margin) as margin,
        max(ordered_date) as last_purchase_date,
        bool_or(
            coalesce(days_since_previous_purchase >= {{ churn_after_days }}, false)
        ) as is_reactivated,
        false as is_churned,
        count(*) as cumulative_purchases_change,
        count(*) as window_purchases_change,
        0 as window_recommendations_change
    from purchases
    where ordered_date >= {{ window_start }}
    group by customer_id, month_start_date
),

gap_churns as (
    -- a purchase churn_after_days or more after the previous one: the customer
    -- churned churn_after_days after that previous purchase
    select
        customer_id,
        cast({{ churn_date_after('previous_purchase_date') }} as date) as churn_date
    from purchases
    where days_since_previous_purchase >= {{ churn_after_days }}
),

last_purchases as (
    select
        customer_id,
        max(last_purchase_date) as last_purchase_date
    from (
        select
            customer_id,
            ordered_date as last_purchase_date
        from purchases
        union all
        select
            customer_id,
            last_purchase_date
        from carried_in
    ) as purchase_dates
    group by customer_id
),

final_churns as (
    -- churn_after_days after the last purchase, once the as-of date has reached it
    select
        customer_id,
        cast({{ churn_date_after('last_purchase_date') }} as date) as churn_date
    from last_purchases
    where {{ churn_date_after('last_purchase_date') }} <= {{ as_of_date() }}
),

churn_events as (
    select
        customer_id,
        cast({{ dbt.date_trunc('month', 'churn_date') }} as date) as month_start_date,
        0 as purchases,
        cast(null as decimal(18, 2)) as revenue,
        cast(null as decimal(18, 2)) as margin,
        cast(null as date) as last_purchase_date,
        false as is_reactivated,
        true as is_churned,
        0 as cumulative_purchases_change,
        0 as window_purchases_change,
        0 as window_recommendations_change
    from (
        select * from gap_churns
        union all
        select * from final_churns
    ) as churns
    where churn_date >= {{ window_start }}
),

window_changes as (
    -- purchases and recommendations leaving the trailing window (a day d is in the
    -- window of the month ends in [d, d + loyalty_window_days)), and recommendations
    -- entering it (purchases enter with purchase_events)
    select
        customer_id,
        cast({{ dbt.date_trunc('month', 'change_date') }} as date) as month_start_date,
        0 as purchases,
        cast(null as decimal(18, 2)) as revenue,
        cast(null as decimal(18, 2)) as margin,
        cast(null as date) as last_purchase_date,
        false as is_reactivated,
        false as is_churned,
        0 as cumulative_purchases_change,
        sum(purchases_change) as window_purchases_change,
        sum(recommendations_change) as window_recommendations_change
    from (
        select
            customer_id,
            cast({{ dbt.dateadd('day', loyalty_window_days, 'ordered_date') }} as date)
                as change_date,
            -1 as purchases_change,
            0 as recommendations_change
        from purchases
        union all
        select
            customer_id,
            cast(
                {{ dbt.dateadd('day', loyalty_window_days, 'recommended_date') }} as date
            ) as change_date,
            0 as purchases_change,
            -1 as recommendations_change
        from recommendations
        union all
        select
            customer_id,
            recommended_date as change_date,
            0 as purchases_change,
            1 as recommendations_change
        from recommendations
    ) as changes
    where change_date >= {{ window_start }} and change_date <= {{ as_of_date() }}
    group by customer_id, month_start_date
),

carried_in_events as (
    -- the kept month's running totals, as of its end
    select
        customer_id,
        month_start_date,
        0 as purchases,
        cast(null as decimal(18, 2)) as revenue,
        cast(null as decimal(18, 2)) as margin,
        last_purchase_date,
        false as is_reactivated,
        false as is_churned,
        cumulative_purchases as cumulative_purchases_change,
        purchases_in_window as window_purchases_change,
        recommendations_in_window as window_recommendations_change
    from carried_in
),

events as (
    select * from purchase_events
    union all
    select * from churn_events
    union all
    select * from window_changes
    union all
    select * from carried_in_events
),

event_months as (
    select
        customer_id,
        month_start_date,
        cast(sum(purchases) as bigint) as purchases,
        sum(revenue) as revenue,
        sum(margin) as margin,
        max(last_purchase_date) as last_purchase_date_in_month,
        bool_or(is_reactivated) as is_reactivated,
        bool_or(is_churned) as is_churned_in_month,
        sum(cumulative_purchases_change) as cumulative_purchases_change,
        sum(window_purchases_change) as window_purchases_change,
        sum(window_recommendations_change) as window_recommendations_change
    from events
    group by customer_id, month_start_date
),

running as (
    -- one sort: the running totals, the last purchase before the month, and the
    -- customer's next month with events
    select
        *,
        cast(sum(cumulative_purchases_change) over to_this_month as bigint)
            as cumulative_purchases,
        cast(sum(window_purchases_change) over to_this_month as bigint)
            as purchases_in_window,
        cast(sum(window_recommendations_change) over to_this_month as bigint)
            as recommendations_in_window,
        max(last_purchase_date_in_month) over to_this_month as last_purchase_date,
        max(last_purchase_date_in_month) over to_last_month
            as last_purchase_date_before_month,
        lead(month_start_date) over customer_months as next_event_month_start_date
    from event_months
    window
        customer_months as (partition by customer_id order by month_start_date),
        to_this_month as (
            partition by customer_id order by month_start_date
            rows between unbounded preceding and current row
        ),
        to_last_month as (
            partition by customer_id order by month_start_date
            rows between unbounded preceding and 1 preceding
        )
),

first_purchases as (
    -- kept customers' from their kept month; the others' first purchase is among
    -- the purchases read (all of theirs are)
    select
        customer_id,
        min(first_purchase_date) as first_purchase_date
    from (
        select
            customer_id,
            first_purchase_date
        from carried_in
        union all
        select
            customer_id,
            min(ordered_date) as first_purchase_date
        from purchases
        group by customer_id
    ) as firsts
    group by customer_id
),

repeated as (
    -- each month with events, then the quiet months up to the next one (or the as-of
    -- month)
    select
        running.*,
        running.month_start_date as event_month_start_date,
        {{ month_series(
            'running.month_start_date',
            'coalesce(cast(' ~ dbt.dateadd('month', -1, 'running.next_event_month_start_date')
            ~ ' as date), ' ~ as_of_month ~ ')'
        ) }} as repeated_month_start_date
    from running
    where running.month_start_date <= {{ as_of_month }}
),

months as (
    select
        repeated.customer_id,
        repeated.repeated_month_start_date as month_start_date,
        first_purchases.first_purchase_date,
        repeated.repeated_month_start_date = repeated.event_month_start_date
            as is_event_month,
        repeated.purchases,
        repeated.revenue,
        repeated.margin,
        repeated.is_reactivated,
        repeated.is_churned_in_month,
        repeated.cumulative_purchases,
        repeated.purchases_in_window,
        repeated.recommendations_in_window,
        repeated.last_purchase_date,
        repeated.last_purchase_date_before_month,
        least(
            cast(
                {{ dbt.last_day('repeated.repeated_month_start_date', 'month') }} as date
            ),
            {{ as_of_date() }}
        ) as month_end_date
    from repeated
    inner join first_purchases on repeated.customer_id = first_purchases.customer_id
    where repeated.repeated_month_start_date >= {{ window_start }}
),

month_values as (
    -- a quiet month keeps its event month's running totals, with no activity
    select
        customer_id,
        month_start_date,
        first_purchase_date,
        case when is_event_month then purchases else 0 end as purchases,
        case when is_event_month then coalesce(revenue, 0) else 0 end as revenue,
        case when is_event_month then margin end as margin,
        is_event_month and is_reactivated as is_reactivated,
        is_event_month and is_churned_in_month as is_churned_in_month,
        cumulative_purchases,
        purchases_in_window,
        recommendations_in_window,
        last_purchase_date,
        case
            when is_event_month then last_purchase_date_before_month
            else last_purchase_date
        end as last_purchase_date_at_month_start,
        month_end_date,
        month_start_date
        = cast({{ dbt.date_trunc('month', 'first_purchase_date') }} as date)
            as is_new_customer
    from months
    -- from the first purchase's month on (a recommendation may come before it)
    where
        month_start_date
        >= cast({{ dbt.date_trunc('month', 'first_purchase_date') }} as date)
),

final as (
    select
        customer_id,
        case
            when not is_new_customer
                then {{ customer_status(
                    'last_purchase_date_at_month_start',
                    'cast(' ~ dbt.dateadd('day', -1, 'month_start_date') ~ ' as date)'
                ) }}
        end as status_at_month_start,
        {{ customer_status('last_purchase_date', 'month_end_date') }}
            as status_at_month_end,
        {{ loyalty_stage(
            customer_status('last_purchase_date', 'month_end_date'),
            'cumulative_purchases',
            'purchases_in_window',
            'recommendations_in_window > 0'
        ) }} as loyalty_stage_at_month_end,
        {%- for name, value in rules.items() %}
        {{ value }} as {{ name }},
        {%- endfor %}
        {{ datediff_bigint('first_purchase_date', 'month_start_date', 'month') }}
            as months_since_first_purchase,
        purchases,
        cumulative_purchases,
        purchases_in_window,
        recommendations_in_window,
        -- a customer's month fits decimal(18, 2), four times faster to scan than (38, 2)
        cast(revenue as decimal(18, 2)) as revenue,
        cast(margin as decimal(18, 2)) as margin,
        {{ datediff_bigint('last_purchase_date', 'month_end_date', 'day') }}
            as days_since_last_purchase,
        is_new_customer,
        is_reactivated,
        is_churned_in_month,
        month_start_date,
        month_end_date,
        first_purchase_date,
        last_purchase_date
    from month_values
)

select * from final
