{#- Every staged order, purchases numbered per customer: int_orders_sequenced as BI
    reads it.

    Incremental by month: the months from the window start on, or from the earliest
    month in which int_orders_sequenced holds other rows than this table (the months
    it re-derived). -#}

-- depends_on: {{ ref('base_raw__as_of_date') }}

{{ config(
    materialized='incremental',
    unique_key='month_start_date',
    incremental_strategy='insert_overwrite' if target.type == 'spark' else 'delete+insert',
    partition_by='month_start_date' if target.type == 'spark' else none,
    on_schema_change='fail',
) }}

{%- set order_columns = [
    'order_id', 'customer_id', 'status', 'customer_order_number',
    'days_since_previous_purchase', 'revenue', 'cost', 'margin', 'is_purchase',
    'is_repeat_purchase', 'ordered_at', 'ordered_date', 'previous_purchase_date',
    'month_start_date',
] -%}
{%- set window_start = incremental_window_start(
    'ordered_date', days_after_as_of=1, compare={
    'columns': order_columns,
    'upstream': 'select ' ~ order_columns | join(', ') ~ ' from '
        ~ ref('int_orders_sequenced'),
    'kept': 'select ' ~ order_columns | join(', ') ~ ' from ' ~ this,
}) %}

select
    {{ order_columns | join(',\n    ') }}
from {{ ref('int_orders_sequenced') }}
where ordered_date >= {{ window_start }}
