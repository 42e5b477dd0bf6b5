{#- Every staged order, purchases numbered per customer: int_orders_sequenced as BI
    reads it.

    A view: int_orders_sequenced is the one table of sequenced orders (incremental
    by month), and a second copy of its ten million rows at ten million customers
    cost a build as much as computing them (BENCHMARKS.md, "Design decisions"). The
    published snapshot holds it as a table, like every mart. The view names its
    input without the catalog, which DuckDB then looks up in the view's own
    database: the warehouse file can be attached under any name (a publish, a
    comparison of two builds). It leaves out the rows that mark a month a daily
    build replaced (macro with_month_markers). -#}

{{ config(materialized='view') }}

select
    order_id,
    customer_id,
    status,
    customer_order_number,
    days_since_previous_purchase,
    currency,
    exchange_rate,
    revenue_in_order_currency,
    gross_revenue,
    refunded_amount,
    revenue,
    cost,
    margin,
    is_purchase,
    is_repeat_purchase,
    ordered_at,
    ordered_date,
    previous_purchase_date,
    month_start_date
from {{ ref('int_orders_sequenced').include(database=False) }}
where order_id is not null
