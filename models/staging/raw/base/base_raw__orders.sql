{#- Raw orders, typed, each row with every problem it has (or none). Rebuilt from
    the whole export on every build: a row's position, and which of two rows with
    one id comes first, are those of today's file, whatever its order. -#}

{%- set raw = source('raw', 'orders') %}

with source as {{ not_materialized() }} (
    select * from {{ raw }}
),

customers as (
    -- the staged customers (stg_raw__customers): those with no quarantine reason
    select customer_id from {{ ref('base_raw__customers') }}
    where quarantine_reason is null
),

statuses as (
    select status from {{ ref('order_statuses') }}
),

currencies as (
    select currency from {{ ref('currencies') }}
),

first_rates as (
    -- the first date each currency has a staged rate (stg_raw__exchange_rates)
    select
        currency,
        min(rate_date) as first_rate_date
    from {{ ref('base_raw__exchange_rates') }}
    where quarantine_reason is null
    group by currency
),

typed as (
    select
        source_row_number,
        is_malformed_row,
        {{ clean_text('order_id') }} as order_id,
        {{ clean_text('customer_id') }} as customer_id,
        lower({{ clean_text('status') }}) as status,
        {{ raw_number(raw, 'revenue', 'decimal(18, 4)') }} as revenue,
        {{ raw_number(raw, 'cost', 'decimal(18, 4)') }} as cost,
        {{ raw_is_missing(raw, 'cost') }} as is_cost_missing,
        coalesce(
            upper({{ clean_text('currency') }}), '{{ var('reporting_currency') }}'
        ) as currency,
        {{ raw_timestamp(raw, 'ordered_at') }} as ordered_at
    from source
),

repeated_ids as (
    {{ first_rows_of_repeated_ids('typed', 'order_id') }}
),

checked as (
    select
        typed.*,
        customers.customer_id is not null as is_known_customer,
        statuses.status is not null as is_valid_status,
        currencies.currency is not null as is_valid_currency,
        -- a rate on or before the order's local date (the latest such converts it)
        typed.currency = '{{ var('reporting_currency') }}'
        or coalesce(
            first_rates.first_rate_date <= {{ local_date('typed.ordered_at') }}, false
        ) as has_exchange_rate,
        coalesce(typed.source_row_number > repeated_ids.first_row_number, false)
            as is_duplicate_id
    from typed
    left join customers on typed.customer_id = customers.customer_id
    left join statuses on typed.status = statuses.status
    left join currencies on typed.currency = currencies.currency
    left join first_rates on typed.currency = first_rates.currency
    left join repeated_ids on typed.order_id = repeated_ids.order_id
)

select
    source_row_number,
    is_malformed_row,
    order_id,
    customer_id,
    status,
    revenue,
    cost,
    currency,
    ordered_at,
    {{ quarantine_reasons([
        ['missing_id', 'order_id is null'],
        ['duplicate_id', 'is_duplicate_id'],
        ['unknown_customer', 'not is_known_customer'],
        ['invalid_timestamp', 'ordered_at is null'],
        ['implausible_timestamp', is_implausible('ordered_at')],
        ['future_timestamp', is_future('ordered_at')],
        ['invalid_status', 'not is_valid_status'],
        ['invalid_amount', 'revenue is null or (cost is null and not is_cost_missing)'],
        ['negative_amount', 'revenue < 0 or cost < 0'],
        ['invalid_currency', 'not is_valid_currency'],
        ['no_exchange_rate',
            'is_valid_currency and ordered_at is not null and not has_exchange_rate'],
    ]) }} as quarantine_reason
from checked
