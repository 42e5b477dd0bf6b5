{#- Every staged order with its money in the reporting currency and net of refunds
    (docs/marts.md, "Money"): the order converts at the latest rate on or before its
    local date (int_exchange_rates_daily; 1 for the reporting currency). Revenue is
    the revenue less the refunds made by the as-of date, in the order's currency,
    converted and rounded to cents once; gross revenue likewise, and refunded_amount
    their difference, so an order refunded in full has a revenue of exactly zero
    whatever the rounding of each refund. An order whose refunds reach its revenue
    is fully refunded: not a purchase.

    A view: int_orders_sequenced reads it for the orders it re-derives, and its
    comparison of kept months sees a late refund as a changed order. -#}

{{ config(materialized='view') }}

{%- set reporting_currency = var('reporting_currency') %}

with orders as {{ not_materialized() }} (
    select * from {{ ref('stg_raw__orders') }}
),

rates as (
    select
        currency,
        rate_day,
        rate_to_reporting
    from {{ ref('int_exchange_rates_daily') }}
),

orders_rated as (
    select
        orders.*,
        case
            when orders.currency = '{{ reporting_currency }}'
                then cast(1 as decimal(18, 8))
            else rates.rate_to_reporting
        end as exchange_rate
    from orders
    left join rates
        on orders.currency = rates.currency and orders.ordered_date = rates.rate_day
),

refund_totals as (
    select
        order_id,
        sum(amount) as refunded_in_order_currency
    from {{ ref('stg_raw__refunds') }}
    where refunded_date <= {{ as_of_date() }}
    group by order_id
),

netted as (
    select
        orders_rated.*,
        cast(
            orders_rated.revenue - coalesce(refund_totals.refunded_in_order_currency, 0)
            as decimal(18, 4)
        ) as revenue_in_order_currency,
        coalesce(
            refund_totals.refunded_in_order_currency >= orders_rated.revenue, false
        ) as is_fully_refunded
    from orders_rated
    left join refund_totals on orders_rated.order_id = refund_totals.order_id
),

final as (
    select
        order_id,
        customer_id,
        status,
        is_purchase_status,
        currency,
        exchange_rate,
        revenue_in_order_currency,
        {{ converted_to_cents('revenue', 'exchange_rate') }} as gross_revenue,
        {{ cents(
            converted_to_cents('revenue', 'exchange_rate') ~ ' - '
            ~ converted_to_cents('revenue_in_order_currency', 'exchange_rate')
        ) }} as refunded_amount,
        {{ converted_to_cents('revenue_in_order_currency', 'exchange_rate') }} as revenue,
        {{ converted_to_cents('cost', 'exchange_rate') }} as cost,
        is_fully_refunded,
        ordered_at,
        ordered_date
    from netted
)

select * from final
