{#- Every staged refund, dated when it was made, for finance: its amount in the
    order's currency and in the reporting currency, converted at the order's rate
    and rounded to cents on its own (fct_orders.refunded_amount converts the order's
    refunds together, so the two can differ by a cent per refund). A refund dated the
    day after the as-of date is listed but not yet netted. -#}

with refunds as (
    select * from {{ ref('stg_raw__refunds') }}
),

orders as (
    select
        order_id,
        customer_id,
        status,
        currency,
        exchange_rate,
        ordered_date
    from {{ ref('int_orders_converted') }}
),

final as (
    select
        refunds.refund_id,
        refunds.order_id,
        orders.customer_id,
        orders.status as order_status,
        orders.currency,
        orders.exchange_rate,
        cast(refunds.amount as decimal(18, 4)) as amount_in_order_currency,
        {{ converted_to_cents('refunds.amount', 'orders.exchange_rate') }} as amount,
        refunds.refunded_at,
        refunds.refunded_date,
        cast({{ dbt.date_trunc('month', 'refunds.refunded_date') }} as date)
            as refunded_month_start_date,
        orders.ordered_date,
        refunds.refunded_date <= {{ as_of_date() }} as is_netted_in_revenue
    from refunds
    inner join orders on refunds.order_id = orders.order_id
)

select * from final
