{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ delete_incremental_window(in_incremental_window('ordered_at')) }}",
    post_hook="{{ record_incremental_build() }}",
) }}

{#- Raw orders, typed, each row with every problem it has (or none).
    Incremental: re-derives the rows dated in the window (and those without a
    valid date); a duplicate id is still judged against the whole file. -#}

{#- A full build reads the whole file and numbers the ids in one pass; an
    incremental one numbers the ids of its window against the whole file. -#}
{%- set id_occurrence = 'id_occurrences.id_occurrence' if is_incremental() else
    'row_number() over (partition by in_window.order_id order by in_window.source_row_number)'
-%}

with source as (
    select * from {{ source('raw', 'orders') }}
),

customers as (
    select customer_id from {{ ref('stg_raw__customers') }}
),

statuses as (
    select status from {{ ref('order_statuses') }}
),

typed as (
    select
        source_row_number,
        is_malformed_row,
        {{ clean_text('order_id') }} as order_id,
        {{ clean_text('customer_id') }} as customer_id,
        lower({{ clean_text('status') }}) as status,
        {{ clean_text('revenue') }} as revenue_text,
        {{ clean_text('cost') }} as cost_text,
        {{ try_cast(clean_text('revenue'), 'decimal(18, 2)') }} as revenue,
        {{ try_cast(clean_text('cost'), 'decimal(18, 2)') }} as cost,
        {{ parse_timestamp('ordered_at') }} as ordered_at
    from source
),

in_window as (
    select * from typed
    where {{ in_incremental_window('ordered_at') }}
),

{%- if is_incremental() %}

id_occurrences as (
    -- the first row of an id in the whole file is the one kept
    select
        source_row_number,
        row_number() over (
            partition by order_id order by source_row_number
        ) as id_occurrence
    from typed
    where order_id in (select in_window.order_id from in_window)
),
{%- endif %}

checked as (
    select
        in_window.*,
        customers.customer_id is not null as is_known_customer,
        statuses.status is not null as is_valid_status,
        {{ id_occurrence }} as id_occurrence
    from in_window
    left join customers on in_window.customer_id = customers.customer_id
    left join statuses on in_window.status = statuses.status
    {%- if is_incremental() %}
    left join id_occurrences
        on in_window.source_row_number = id_occurrences.source_row_number
    {%- endif %}
)

select
    source_row_number,
    is_malformed_row,
    order_id,
    customer_id,
    status,
    revenue,
    cost,
    ordered_at,
    {{ quarantine_reasons([
        ['missing_id', 'order_id is null'],
        ['duplicate_id', 'order_id is not null and id_occurrence > 1'],
        ['unknown_customer', 'not is_known_customer'],
        ['invalid_timestamp', 'ordered_at is null'],
        ['future_timestamp', is_future('ordered_at')],
        ['invalid_status', 'not is_valid_status'],
        ['invalid_amount',
            '(revenue is null) or (cost_text is not null and cost is null)'],
        ['negative_amount', 'revenue < 0 or cost < 0'],
    ]) }} as quarantine_reason
from checked
