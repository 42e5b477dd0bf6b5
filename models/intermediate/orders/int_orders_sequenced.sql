{#- Every staged order, its money converted and net of refunds
    (int_orders_converted). Purchases (completed, not refunded in full, on or before
    the as-of date) are numbered per customer in the order they were placed, with
    the previous purchase they follow: the sequenced orders every retention and
    value model builds on, and fct_orders publishes.

    Incremental by month (dbt_project.yml, macros/incremental): a daily build
    re-derives the orders dated from the window start on, which moves back to the
    earliest month whose staged orders changed (an order staged again with another
    status, amount, currency, date or customer, or refunded since; a month that lost
    its orders). A kept order is
    dated before every re-derived one, so its number and previous purchase cannot
    change; a re-derived purchase's number carries on from the customer's kept
    purchases (kept_purchases). A row with a null order_id marks a replaced month
    (macro with_month_markers). -#}

{%- set order_columns = [
    'order_id', 'customer_id', 'status', 'currency', 'gross_revenue', 'revenue', 'cost',
    'ordered_at', 'ordered_date'
] -%}
{%- set revenue_less_cost %}{{ cents('revenue') }} - {{ cents('cost') }}{%- endset %}
{%- set staged_orders %}
    -- typed as the kept rows are: a decimal's hash depends on its precision on Spark
    select
        order_id,
        customer_id,
        status,
        currency,
        {{ cents('gross_revenue') }} as gross_revenue,
        {{ cents('revenue') }} as revenue,
        {{ cents('cost') }} as cost,
        ordered_at,
        ordered_date,
        cast({{ dbt.date_trunc('month', 'ordered_date') }} as date) as month_start_date
    from {{ ref('int_orders_converted') }}
{%- endset %}
{%- set kept_orders %}
    select {{ order_columns | join(', ') }}, month_start_date
    from {{ this }}
    where order_id is not null
{%- endset %}
{%- set window_start = incremental_window_start(
    latest_date_column='ordered_date',
    days_after_as_of=1,
    compared={
        'columns': order_columns,
        'input_rows': staged_orders,
        'kept_rows': kept_orders,
    },
) %}

with orders as (
    select * from {{ ref('int_orders_converted') }}
    where ordered_date >= {{ window_start }}
),

flagged as (
    -- an order refunded in full, by its status or by refunds, is not a purchase
    select
        *,
        is_purchase_status
        and not is_fully_refunded
        and ordered_date <= {{ as_of_date() }} as is_purchase
    from orders
),

kept_purchases as (
    {%- if is_incremental() %}
    select
        customer_id,
        max(customer_order_number) as purchases_before,
        max(ordered_date) as last_purchase_date_before
    from {{ this }}
    where is_purchase and month_start_date < {{ window_start }}
    group by customer_id
    {%- else %}
    -- a full build keeps none
    select
        cast(null as {{ dbt.type_string() }}) as customer_id,
        cast(null as bigint) as purchases_before,
        cast(null as date) as last_purchase_date_before
    where false
    {%- endif %}
),

numbered as (
    -- one window over every order, purchases apart from the other orders, so that
    -- no join brings the numbers back: a purchase is numbered among the customer's
    -- purchases of this build, an order that is not one gets no number. Its sort
    -- spills within the memory limit at ten million customers from DuckDB 1.5 on
    -- (BENCHMARKS.md, "Design decisions")
    select
        *,
        case when is_purchase then row_number() over purchase_order end
            as purchase_number_in_build,
        case when is_purchase then lag(ordered_date) over purchase_order end
            as previous_purchase_date_in_build
    from flagged
    window purchase_order as (
        partition by customer_id, is_purchase order by ordered_at, order_id
    )
),

sequenced as (
    select
        numbered.*,
        numbered.purchase_number_in_build
        + coalesce(kept_purchases.purchases_before, 0) as customer_order_number,
        case
            when numbered.is_purchase
                then coalesce(
                    numbered.previous_purchase_date_in_build,
                    kept_purchases.last_purchase_date_before
                )
        end as previous_purchase_date
    from numbered
    left join kept_purchases on numbered.customer_id = kept_purchases.customer_id
),

final as (
    select
        order_id,
        customer_id,
        status,
        customer_order_number,
        {{ datediff_bigint('previous_purchase_date', 'ordered_date', 'day') }}
            as days_since_previous_purchase,
        -- money in the reporting currency, rounded to cents once
        -- (int_orders_converted); staging keeps what was written
        currency,
        exchange_rate,
        revenue_in_order_currency,
        gross_revenue,
        {{ cents('refunded_amount') }} as refunded_amount,
        {{ cents('revenue') }} as revenue,
        {{ cents('cost') }} as cost,
        {{ cents(revenue_less_cost) }} as margin,
        is_purchase,
        coalesce(customer_order_number > 1, false) as is_repeat_purchase,
        ordered_at,
        ordered_date,
        previous_purchase_date,
        cast({{ dbt.date_trunc('month', 'ordered_date') }} as date) as month_start_date
    from sequenced
)

{{ with_month_markers('final', window_start) }}
