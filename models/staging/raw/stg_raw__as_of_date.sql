{{ config(materialized='table') }}

{#- One row: the date every "as of" rule of this build uses (macro as_of_date).
    Default: the latest order date, ignoring orders dated after the build's own
    clock (clock errors such as 2099 would otherwise move the whole build). -#}

with orders as (
    select {{ parse_timestamp('ordered_at') }} as ordered_at
    from {{ source('raw', 'orders') }}
),

latest as (
    select cast(max(ordered_at) as date) as latest_order_date
    from orders
    where
        cast(ordered_at as date)
        <= cast('{{ run_started_at.strftime("%Y-%m-%d") }}' as date)
)

select
    {%- if var('as_of_date', none) %}
    cast('{{ var("as_of_date") }}' as date) as as_of_date,
    'var as_of_date' as as_of_date_source,
    {%- else %}
    latest_order_date as as_of_date,
    'latest order date' as as_of_date_source,
    {%- endif %}
    latest_order_date
from latest
