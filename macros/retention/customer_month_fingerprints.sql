{#- The input fingerprints of int_customer_months_accumulated's rows, which its
    daily builds compare with the input's (docs/daily-builds.md). -#}

{% macro customer_month_fingerprints(window_start) -%}
    {%- set window_days = var('loyalty_window_days') -%}
    with acts as (
        select
            customer_id,
            event_date as act_date,
            hash('purchase', event_date, revenue, margin) as act_hash
        from {{ ref('int_customer_month_events_unioned') }}
        where event_kind = 'purchase' and event_date >= {{ window_start }}

        union all

        select
            customer_id,
            event_date as act_date,
            hash('recommendation', event_date) as act_hash
        from {{ ref('int_customer_month_events_unioned') }}
        where
            event_kind = 'recommendation'
            and event_date
            >= cast({{ dbt.dateadd('day', -1 * window_days, window_start) }} as date)
    ),

    first_months as (
        select
            customer_id,
            cast({{ dbt.date_trunc('month', 'first_purchase_date') }} as date)
                as first_month_start_date
        from {{ ref('int_customer_purchases_summarised') }}
    ),

    acts_by_row as (
        select
            acts.customer_id,
            greatest(
                cast({{ dbt.date_trunc('month', 'acts.act_date') }} as date),
                first_months.first_month_start_date
            ) as month_start_date,
            acts.act_hash
        from acts
        inner join first_months on acts.customer_id = first_months.customer_id
        where
            acts.act_date >= cast({{ dbt.dateadd(
                'day', -1 * window_days, 'first_months.first_month_start_date'
            ) }} as date)
    )

    select
        customer_id,
        month_start_date,
        sum(act_hash) as input_fingerprint
    from acts_by_row
    where month_start_date >= {{ window_start }}
    group by customer_id, month_start_date
{%- endmacro %}
