{#- Every staged order with its money in the reporting currency and net of refunds
    (docs/marts.md, "Money"): the order converts at the latest rate on or before its
    local date (int_exchange_rates_daily; 1 for the reporting currency), each amount
    rounded to cents once; revenue is the gross revenue less the refunds made by the
    as-of date, dated at the order. An order whose refunds reach its revenue is
    fully refunded: not a purchase.

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
    -- each refund converted at its order's rate, rounded once
    select
        refunds.order_id,
        sum(refunds.amount) as refunded_in_order_currency,
        sum({{ converted_to_cents('refunds.amount', 'orders_rated.exchange_rate') }})
            as refunded_amount
    from {{ ref('stg_raw__refunds') }} as refunds
    inner join orders_rated on refunds.order_id = orders_rated.order_id
    where refunds.refunded_date <= {{ as_of_date() }}
    group by refunds.order_id
),

final as (
    select
        orders_rated.order_id,
        orders_rated.customer_id,
        orders_rated.status,
        orders_rated.is_purchase_status,
        orders_rated.currency,
        orders_rated.exchange_rate,
        cast(
            orders_rated.revenue - coalesce(refund_totals.refunded_in_order_currency, 0)
            as decimal(18, 4)
        ) as revenue_in_order_currency,
        {{ converted_to_cents('orders_rated.revenue', 'orders_rated.exchange_rate') }}
            as gross_revenue,
        coalesce(refund_totals.refunded_amount, 0) as refunded_amount,
        {{ converted_to_cents('orders_rated.revenue', 'orders_rated.exchange_rate') }}
        - coalesce(refund_totals.refunded_amount, 0) as revenue,
        {{ converted_to_cents('orders_rated.cost', 'orders_rated.exchange_rate') }}
            as cost,
        coalesce(
            refund_totals.refunded_in_order_currency >= orders_rated.revenue, false
        ) as is_fully_refunded,
        orders_rated.ordered_at,
        orders_rated.ordered_date
    from orders_rated
    left join refund_totals on orders_rated.order_id = refund_totals.order_id
)

select * from final
