{#- One row per purchaser and calendar month, from the month of the first purchase
    to the as-of month, with the month's activity, the status at the month's start
    and end, and the loyalty stage at the month's end: fct_customer_months shows it.
    The events of int_customer_month_events_unioned are summed per customer-month
    (about two in five months have events), the running totals accumulated, and each
    month with events repeated for the quiet months up to the customer's next one.

    Incremental by month (dbt_project.yml, macros/incremental): a daily build
    re-derives the months from the window start on. Each customer's row of the kept
    month before enters the events as the running totals it carries in, so only the
    rebuilt months' events are read (and, for a customer with no kept row, the
    recommendations of the loyalty window before them). Each row stores the
    fingerprint of the purchases and recommendations it takes in
    (customer_month_fingerprints); the window moves back to the earliest kept month
    whose fingerprints differ from the input's. The rules (customer_month_rules) are
    recorded in every row: when they change, every month is rebuilt. A row with a
    null customer_id marks a replaced month (macro with_month_markers). -#}

{%- set rules = customer_month_rules() -%}
{%- set kept_fingerprints %}
    select customer_id, input_fingerprint, month_start_date
    from {{ this }}
    where input_fingerprint is not null
{%- endset %}
{%- set window_start = incremental_window_start(
    latest_date_column='month_end_date',
    rules=rules,
    compared={
        'columns': ['customer_id', 'input_fingerprint'],
        'input_rows': customer_month_fingerprints(incremental_window_everything()),
        'kept_rows': kept_fingerprints,
    },
) -%}
{#- unless every month is rebuilt, the kept month before carries its totals in -#}
{%- set carries_in = is_incremental()
    and window_start != incremental_window_everything() -%}
{%- set as_of = as_of_date() -%}
{%- set as_of_month %}
    cast({{ dbt.date_trunc('month', as_of) }} as date)
{%- endset %}
{%- set previous_month %}
    cast({{ dbt.dateadd('month', -1, window_start) }} as date)
{%- endset %}
{#- the first day whose purchase or recommendation can leave a rebuilt month's window -#}
{%- set events_start %}
    cast({{ dbt.dateadd('day', -1 * var('loyalty_window_days'), window_start) }} as date)
{%- endset %}
{%- set last_repeated_month %}
    coalesce(
        cast({{ dbt.dateadd('month', -1, 'running.next_event_month_start_date') }} as date),
        {{ as_of_month }}
    )
{%- endset %}
{%- set day_before_month %}
    cast({{ dbt.dateadd('day', -1, 'customer_months.month_start_date') }} as date)
{%- endset %}
{%- set status_at_month_end %}
    {{ customer_status(
        'customer_months.last_purchase_date', 'customer_months.month_end_date'
    ) }}
{%- endset %}

with events as {{ not_materialized() }} (
    select
        customer_id,
        event_kind,
        purchases,
        revenue,
        margin,
        cumulative_purchases_change,
        window_purchases_change,
        window_recommendations_change,
        is_reactivation,
        is_churn,
        effective_date,
        purchase_date as first_purchase_date,
        purchase_date as last_purchase_date
    from {{ ref('int_customer_month_events_unioned') }}
    where event_date >= {{ events_start }}
),

carried_in as (
    -- each customer's row of the kept month before the rebuilt ones (none when every
    -- month is rebuilt)
    {%- if carries_in %}
    select
        customer_id,
        first_purchase_date,
        cumulative_purchases,
        purchases_in_window,
        recommendations_in_window,
        last_purchase_date
    from {{ this }}
    where month_start_date = {{ previous_month }} and customer_id is not null
    {%- else %}
    select
        cast(null as {{ dbt.type_string() }}) as customer_id,
        cast(null as date) as first_purchase_date,
        cast(null as bigint) as cumulative_purchases,
        cast(null as bigint) as purchases_in_window,
        cast(null as bigint) as recommendations_in_window,
        cast(null as date) as last_purchase_date
    where false
    {%- endif %}
),

window_events as (
    -- the events of the rebuilt months
    select * from events
    where effective_date >= {{ window_start }}

    union all

    -- for a customer who carries nothing in (a first purchase in the rebuilt
    -- months), the recommendations of the loyalty window before them
    select events.* from events
    left join carried_in on events.customer_id = carried_in.customer_id
    where
        events.event_kind = 'recommendation'
        and events.effective_date < {{ window_start }}
        and carried_in.customer_id is null

    union all

    -- the running totals carried in, dated in the kept month before
    select
        customer_id,
        'carried_in' as event_kind,
        0 as purchases,
        cast(null as decimal(18, 2)) as revenue,
        cast(null as decimal(18, 2)) as margin,
        cumulative_purchases as cumulative_purchases_change,
        purchases_in_window as window_purchases_change,
        recommendations_in_window as window_recommendations_change,
        false as is_reactivation,
        false as is_churn,
        {{ previous_month }} as effective_date,
        first_purchase_date,
        last_purchase_date
    from carried_in
),

event_months as (
    -- the month's activity and the changes to the running totals
    select
        customer_id,
        cast({{ dbt.date_trunc('month', 'effective_date') }} as date)
            as event_month_start_date,
        cast(sum(purchases) as bigint) as purchases,
        sum(revenue) as revenue,
        sum(margin) as margin,
        sum(cumulative_purchases_change) as cumulative_purchases_change,
        sum(window_purchases_change) as window_purchases_change,
        sum(window_recommendations_change) as window_recommendations_change,
        min(first_purchase_date) as first_purchase_date_in_month,
        max(last_purchase_date) as last_purchase_date_in_month,
        bool_or(is_reactivation) as is_reactivated,
        bool_or(is_churn) as is_churned_in_month
    from window_events
    group by
        customer_id,
        cast({{ dbt.date_trunc('month', 'effective_date') }} as date)
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
        lead(event_month_start_date) over customer_months
            as next_event_month_start_date
    from event_months
    window
        customer_months as (partition by customer_id order by event_month_start_date),
        to_this_month as (
            partition by customer_id order by event_month_start_date
            rows between unbounded preceding and current row
        ),
        to_last_month as (
            partition by customer_id order by event_month_start_date
            rows between unbounded preceding and 1 preceding
        )
),

repeated as (
    -- each month with events, then the quiet months up to the next one
    select
        running.*,
        {{ month_series('running.event_month_start_date', last_repeated_month) }}
            as month_start_date
    from running
    where running.event_month_start_date <= {{ as_of_month }}
),

month_values as (
    -- a quiet month keeps its event month's running totals, with no activity
    select
        *,
        month_start_date = event_month_start_date as is_event_month
    from repeated
),

customer_months as (
    -- from the first purchase's month on (a recommendation may come before it: no
    -- first purchase yet)
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
        least(
            cast({{ dbt.last_day('month_start_date', 'month') }} as date),
            {{ as_of }}
        ) as month_end_date,
        month_start_date
        = cast({{ dbt.date_trunc('month', 'first_purchase_date') }} as date)
            as is_new_customer
    from month_values
    where
        month_start_date >= {{ window_start }}
        and month_start_date
        >= cast({{ dbt.date_trunc('month', 'first_purchase_date') }} as date)
),

fingerprints as (
    {{ customer_month_fingerprints(window_start) }}
),

final as (
    select
        customer_months.customer_id,
        case
            when not customer_months.is_new_customer
                then {{ customer_status(
                    'customer_months.last_purchase_date_at_month_start', day_before_month
                ) }}
        end as status_at_month_start,
        {{ status_at_month_end }} as status_at_month_end,
        {{ loyalty_stage(
            status_at_month_end,
            'customer_months.cumulative_purchases',
            'customer_months.purchases_in_window',
            'customer_months.recommendations_in_window > 0'
        ) }} as loyalty_stage_at_month_end,
        {%- for name, value in rules.items() %}
        {{ value }} as {{ name }},
        {%- endfor %}
        {{ datediff_bigint(
            'customer_months.first_purchase_date',
            'customer_months.month_start_date',
            'month'
        ) }} as months_since_first_purchase,
        customer_months.purchases,
        customer_months.cumulative_purchases,
        customer_months.purchases_in_window,
        customer_months.recommendations_in_window,
        -- a customer's month fits decimal(18, 2), four times faster to scan than (38, 2)
        cast(customer_months.revenue as decimal(18, 2)) as revenue,
        cast(customer_months.margin as decimal(18, 2)) as margin,
        {{ datediff_bigint(
            'customer_months.last_purchase_date', 'customer_months.month_end_date', 'day'
        ) }} as days_since_last_purchase,
        fingerprints.input_fingerprint,
        customer_months.is_new_customer,
        customer_months.is_reactivated,
        customer_months.is_churned_in_month,
        customer_months.month_start_date,
        customer_months.month_end_date,
        customer_months.first_purchase_date,
        customer_months.last_purchase_date
    from customer_months
    left join fingerprints
        on
            customer_months.customer_id = fingerprints.customer_id
            and customer_months.month_start_date = fingerprints.month_start_date
)

{{ with_month_markers('final', window_start) }}
