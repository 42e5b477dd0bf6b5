{#- One row per purchaser and calendar month, from the month of the first purchase
    to the as-of month, with the month's activity, the status at the month's start
    and end, and the loyalty stage at the month's end.

    Built from one list of events, each in the month it takes effect, pivoted once
    into the months that have events (about two in five): the purchases,
    reactivations and churns of int_customer_activity_events, and the trailing
    loyalty window's changes (a purchase or recommendation on day d enters it in d's
    month and leaves it in the month of d + loyalty_window_days), so that running
    sums count what is in the window at each month's end, exactly to the day. Each
    month with events takes its running totals and is repeated for the quiet months
    up to the customer's next one.

    Incremental by month (macro incremental_window_start): the months from the window
    start on, or from the earliest month whose purchases in int_orders_sequenced
    changed. The kept month before enters the list as the customer's running totals,
    so only the events of the rebuilt months (and the exits from their windows) are
    read. The rules (customer_month_rules) are recorded in every row: when they
    change, every month is rebuilt. -#}

{{ config(
    materialized='incremental',
    unique_key='month_start_date',
    incremental_strategy='insert_overwrite' if target.type == 'spark' else 'delete+insert',
    partition_by='month_start_date' if target.type == 'spark' else none,
    on_schema_change='fail',
) }}

{%- set rules = customer_month_rules() -%}
{#- a customer's month of purchases that int_orders_sequenced holds otherwise than
    this table (an order refunded, or moved, since) re-derives that month on -#}
{%- set purchase_columns = [
    'customer_id', 'purchases', 'revenue', 'margin', 'last_purchase_date'] -%}
{%- set window_start = incremental_window_start(
    'month_end_date', rules=rules, compare={
    'columns': purchase_columns,
    'upstream': 'select customer_id, month_start_date, '
        ~ 'cast(count(*) as bigint) as purchases, cast(sum(revenue) as decimal(18, 2)) as revenue, '
        ~ 'cast(sum(margin) as decimal(18, 2)) as margin, '
        ~ 'max(ordered_date) as last_purchase_date from ' ~ ref('int_orders_sequenced')
        ~ ' where is_purchase group by customer_id, month_start_date',
    'kept': 'select ' ~ purchase_columns | join(', ') ~ ', month_start_date from ' ~ this
        ~ ' where purchases > 0',
}) -%}
{#- the kept month before the window carries its running totals in (unless every
    month is rebuilt) -#}
{%- set carries_in = is_incremental()
    and window_start != incremental_window_everything() -%}
{%- set loyalty_window_days = var('loyalty_window_days') -%}
{%- set as_of_month = 'cast(' ~ dbt.date_trunc('month', as_of_date()) ~ ' as date)' -%}
{%- set previous_month = 'cast('
    ~ dbt.dateadd('month', -1, window_start) ~ ' as date)' -%}
{#- the first day whose purchase or recommendation can leave a rebuilt month's window -#}
{%- set events_start = 'cast('
    ~ dbt.dateadd('day', -1 * loyalty_window_days, window_start) ~ ' as date)' -%}
{#- in month_values: the month a row stands for, and whether it has events -#}
{%- set month = 'repeated_month_start_date' -%}
{%- set is_event_month = '(repeated_month_start_date = event_month_start_date)' -%}
{%- set first_purchase_month = 'cast(' ~ dbt.date_trunc('month', 'first_purchase_date')
    ~ ' as date)' -%}

with recommendations as (
    select
        customer_id,
        recommended_date
    from {{ ref('int_customer_recommendations_unioned') }}
    where recommended_date >= {{ events_start }}
),

{%- if carries_in %}

carried_in as (
    -- the kept month before the rebuilt ones
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
),
{%- endif %}

events as (
    -- (customer, month, event, day, quantity, amounts): each in the month it takes
    -- effect; a purchase or recommendation on day d is in the window of the month
    -- ends in [d, d + loyalty_window_days)
    select
        customer_id,
        cast({{ dbt.date_trunc('month', 'event_date') }} as date) as month_start_date,
        event_type as event_name,
        event_date,
        case when event_type = 'purchase' then 1 else 0 end as quantity,
        revenue,
        margin
    from {{ ref('int_customer_activity_events') }}
    where event_date >= {{ window_start }}
    {#- the other events: (name, quantity, day, source, its rows); an exit from the
        window is in the build's months, a kept total in the month before them -#}
    {%- set exit_day = 'cast('
        ~ dbt.dateadd('day', loyalty_window_days, 'DAY') ~ ' as date)' %}
    {%- set in_build = ' between ' ~ window_start ~ ' and ' ~ as_of_date() %}
    {%- for event_name, quantity, day, source, rows in [
        ('recommendation', '1', 'recommended_date', 'recommendations',
         'recommended_date' ~ in_build),
        ('purchase_exit', '-1', exit_day.replace('DAY', 'event_date'),
         ref('int_customer_activity_events'), "event_type = 'purchase' and event_date >= "
         ~ events_start ~ ' and ' ~ exit_day.replace('DAY', 'event_date') ~ in_build),
        ('recommendation_exit', '-1', exit_day.replace('DAY', 'recommended_date'),
         'recommendations', exit_day.replace('DAY', 'recommended_date') ~ in_build),
    ] + ([
        ('kept_purchases', 'cumulative_purchases', 'last_purchase_date', 'carried_in', none),
        ('kept_window_purchases', 'purchases_in_window', 'null', 'carried_in', none),
        ('kept_window_recommendations', 'recommendations_in_window', 'null', 'carried_in',
         none),
        ('kept_first_purchase', '0', 'first_purchase_date', 'carried_in', none),
    ] if carries_in else []) %}
    union all
    select
        customer_id,
        {%- if source == 'carried_in' %}
        month_start_date,
        {%- else %}
        cast({{ dbt.date_trunc('month', day) }} as date) as month_start_date,
        {%- endif %}
        '{{ event_name }}' as event_name,
        cast({{ day }} as date) as event_date,
        {{ quantity }} as quantity,
        cast(null as decimal(18, 2)) as revenue,
        cast(null as decimal(18, 2)) as margin
    from {{ source }}
    {%- if rows %}
    where {{ rows }}
    {%- endif %}
    {%- endfor %}
),

event_months as (
    -- the one pivot: the month's activity and the changes to the running totals
    select
        customer_id,
        month_start_date,
        cast(count(case when event_name = 'purchase' then 1 end) as bigint)
            as purchases,
        sum(revenue) as revenue,
        sum(margin) as margin,
        min(
            case
                when event_name in ('purchase', 'kept_first_purchase') then event_date
            end
        ) as first_purchase_date_in_month,
        max(
            case when event_name in ('purchase', 'kept_purchases') then event_date end
        ) as last_purchase_date_in_month,
        {%- for change, events in {
            'cumulative_purchases_change': ['purchase', 'kept_purchases'],
            'window_purchases_change': ['purchase', 'purchase_exit', 'kept_window_purchases'],
            'window_recommendations_change': [
                'recommendation', 'recommendation_exit', 'kept_window_recommendations'],
        }.items() %}
        sum(
            case
                when event_name in (
                    {%- for event in events %}
                    '{{ event }}'{% if not loop.last %},{% endif %}
                    {%- endfor %}
                ) then quantity
                else 0
            end
        ) as {{ change }},
        {%- endfor %}
        bool_or(event_name = 'reactivation') as is_reactivated,
        bool_or(event_name = 'churn') as is_churned_in_month
    from events
    group by customer_id, month_start_date
),

running as (
    -- one sort: the running totals, the first purchase, the last purchase before
    -- the month, and the customer's next month with events
    select
        *,
        min(first_purchase_date_in_month) over to_this_month as first_purchase_date,
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

month_values as (
    -- a quiet month keeps its event month's running totals, with no activity
    select
        customer_id,
        {{ month }} as month_start_date,
        first_purchase_date,
        case when {{ is_event_month }} then purchases else 0 end as purchases,
        case when {{ is_event_month }} then coalesce(revenue, 0) else 0 end as revenue,
        case when {{ is_event_month }} then margin end as margin,
        {{ is_event_month }} and is_reactivated as is_reactivated,
        {{ is_event_month }} and is_churned_in_month as is_churned_in_month,
        cumulative_purchases,
        purchases_in_window,
        recommendations_in_window,
        last_purchase_date,
        case
            when {{ is_event_month }} then last_purchase_date_before_month
            else last_purchase_date
        end as last_purchase_date_at_month_start,
        least(
            cast({{ dbt.last_day(month, 'month') }} as date), {{ as_of_date() }}
        ) as month_end_date,
        {{ month }} = {{ first_purchase_month }} as is_new_customer
    from repeated
    -- from the first purchase's month on (a recommendation may come before it: no
    -- first purchase yet)
    where {{ month }} >= {{ window_start }} and {{ month }} >= {{ first_purchase_month }}
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
