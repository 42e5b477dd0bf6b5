{#- One row per purchaser: time from first purchase to first churn, or to the as-of
    date when not churned yet (censored), with the segments survival is cut by. -#}

{%- set lifetime_end_date %}
    coalesce(purchases.first_churn_date, {{ as_of_date() }})
{%- endset %}

with purchases as (
    select * from {{ ref('int_customer_purchases_summarised') }}
),

customers as (
    select * from {{ ref('stg_raw__customers') }}
),

final as (
    select
        purchases.customer_id,
        {{ unknown_if_missing('customers.acquisition_channel') }} as acquisition_channel,
        cast(extract(year from purchases.first_purchase_date) as {{ dbt.type_string() }})
        || '-Q'
        || cast(
            extract(quarter from purchases.first_purchase_date) as {{ dbt.type_string() }}
        ) as first_purchase_quarter,
        {{ datediff_bigint('purchases.first_purchase_date', lifetime_end_date, 'day') }}
            as lifetime_days,
        purchases.first_churn_date is not null as is_churned,
        purchases.first_purchase_date,
        purchases.first_churn_date
    from purchases
    inner join customers on purchases.customer_id = customers.customer_id
)

select * from final
