{#- Every purchaser's months: int_customer_months_accumulated as BI reads it.

    A view (the published snapshot holds it as a table, like every mart): the
    incremental table also keeps what its daily builds need, the rows' input
    fingerprints and the replaced months' markers, which this leaves out. -#}

{{ config(materialized='view') }}

select
    customer_id,
    status_at_month_start,
    status_at_month_end,
    loyalty_stage_at_month_end,
    {%- for rule in customer_month_rules() %}
    {{ rule }},
    {%- endfor %}
    months_since_first_purchase,
    purchases,
    cumulative_purchases,
    purchases_in_window,
    recommendations_in_window,
    revenue,
    margin,
    days_since_last_purchase,
    is_new_customer,
    is_reactivated,
    is_churned_in_month,
    month_start_date,
    month_end_date,
    first_purchase_date,
    last_purchase_date
from {{ ref('int_customer_months_accumulated').include(database=False) }}
where customer_id is not null
