{#- Long table of the segments marts are cut by: one row per purchaser and segment
    type (all, acquisition_channel, country_code, cohort_year). -#}

with purchases as (
    select
        customer_id,
        first_purchase_date
    from {{ ref('int_customer_purchases_summarised') }}
),

customers as (
    select
        customer_id,
        acquisition_channel,
        country_code
    from {{ ref('stg_raw__customers') }}
),

purchasers as (
    select
        purchases.customer_id,
        coalesce(customers.acquisition_channel, 'unknown') as acquisition_channel,
        coalesce(customers.country_code, 'unknown') as country_code,
        cast(extract(year from purchases.first_purchase_date) as {{ dbt.type_string() }})
            as cohort_year
    from purchases
    inner join customers on purchases.customer_id = customers.customer_id
),

final as (
    select
        customer_id,
        'all' as segment_type,
        'all' as segment_value
    from purchasers
    union all
    select
        customer_id,
        'acquisition_channel' as segment_type,
        acquisition_channel as segment_value
    from purchasers
    union all
    select
        customer_id,
        'country_code' as segment_type,
        country_code as segment_value
    from purchasers
    union all
    select
        customer_id,
        'cohort_year' as segment_type,
        cohort_year as segment_value
    from purchasers
)

select * from final
