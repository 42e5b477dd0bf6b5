{#- Raw refunds, typed, each row with every problem it has (or none). A refund
    must name a staged order; the refunds of one order summing past its revenue
    (in the order's currency) are all refused (refund_exceeds_revenue), which keeps
    the order as if unrefunded. -#}

{%- set raw = source('raw', 'refunds') %}

with source as {{ not_materialized() }} (
    select * from {{ raw }}
),

orders as (
    -- the staged orders (stg_raw__orders): those with no quarantine reason
    select
        order_id,
        revenue
    from {{ ref('base_raw__orders') }}
    where quarantine_reason is null
),

typed as (
    select
        source_row_number,
        is_malformed_row,
        {{ clean_text('refund_id') }} as refund_id,
        {{ clean_text('order_id') }} as order_id,
        {{ raw_number(raw, 'amount', 'decimal(18, 4)') }} as amount,
        {{ raw_timestamp(raw, 'refunded_at') }} as refunded_at
    from source
),

repeated_ids as (
    {{ first_rows_of_repeated_ids('typed', 'refund_id') }}
),

checked as (
    select
        typed.*,
        orders.order_id is not null as is_known_order,
        orders.revenue as order_revenue,
        coalesce(typed.source_row_number > repeated_ids.first_row_number, false)
            as is_duplicate_id,
        typed.refunded_at is null
        or {{ is_implausible('typed.refunded_at') }}
        or {{ is_future('typed.refunded_at') }}
        or typed.amount is null
        or typed.amount <= 0 as has_own_problem
    from typed
    left join orders on typed.order_id = orders.order_id
    left join repeated_ids on typed.refund_id = repeated_ids.refund_id
),

order_totals as (
    -- what the order's otherwise clean refunds add up to
    select
        order_id,
        sum(amount) as refunded_total
    from checked
    where
        not is_malformed_row
        and refund_id is not null
        and not is_duplicate_id
        and is_known_order
        and not has_own_problem
    group by order_id
)

select
    checked.source_row_number,
    checked.is_malformed_row,
    checked.refund_id,
    checked.order_id,
    checked.amount,
    checked.refunded_at,
    {{ quarantine_reasons([
        ['missing_id', 'checked.refund_id is null'],
        ['duplicate_id', 'checked.is_duplicate_id'],
        ['unknown_order', 'not checked.is_known_order'],
        ['invalid_timestamp', 'checked.refunded_at is null'],
        ['implausible_timestamp', is_implausible('checked.refunded_at')],
        ['future_timestamp', is_future('checked.refunded_at')],
        ['invalid_amount', 'checked.amount is null or checked.amount = 0'],
        ['negative_amount', 'checked.amount < 0'],
        ['refund_exceeds_revenue', 'order_totals.refunded_total > checked.order_revenue'],
    ]) }} as quarantine_reason
from checked
left join order_totals on checked.order_id = order_totals.order_id
