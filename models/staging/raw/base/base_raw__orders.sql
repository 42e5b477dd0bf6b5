{#- Raw orders, typed, each row with every problem it has (or none). Rebuilt from
    the whole export on every build: a row's position, and which of two rows with
    one id comes first, are those of today's file, whatever its order. -#}

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
        {{ clean_text('cost') }} as cost_text,
        {{ try_cast(clean_text('revenue'), 'decimal(18, 2)') }} as revenue,
        {{ try_cast(clean_text('cost'), 'decimal(18, 2)') }} as cost,
        {{ parse_timestamp('ordered_at') }} as ordered_at
    from source
),

checked as (
    select
        typed.*,
        customers.customer_id is not null as is_known_customer,
        statuses.status is not null as is_valid_status,
        row_number() over (
            partition by typed.order_id order by typed.source_row_number
        ) as id_occurrence
    from typed
    left join customers on typed.customer_id = customers.customer_id
    left join statuses on typed.status = statuses.status
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
