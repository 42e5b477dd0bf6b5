{#- The customers as the semantic layer groups metrics by them: dim_customers with a
    missing channel, country or RFM segment named (never a blank group), and one more
    row, '(anonymous)', that anonymous survey answers belong to, so that by a customer
    dimension they are their own segment, 'anonymous'. It has no purchase, so it is in
    no other metric. -#}

with customers as (
    select * from {{ ref('dim_customers').include(database=False) }}
),

named as (
    select
        customer_id,
        {{ unknown_if_missing('acquisition_channel') }} as acquisition_channel,
        {{ unknown_if_missing('country_code') }} as country_code,
        loyalty_stage,
        loyalty_type,
        coalesce(rfm_segment, 'prospect') as rfm_segment,
        historical_revenue,
        predicted_clv,
        is_purchaser,
        is_referred,
        first_purchase_date
    from customers
),

anonymous as (
    select
        -- the customer of an anonymous answer in the survey_responses semantic model
        '(anonymous)' as customer_id,
        'anonymous' as acquisition_channel,
        'anonymous' as country_code,
        'anonymous' as loyalty_stage,
        'anonymous' as loyalty_type,
        'anonymous' as rfm_segment,
        cast(0 as decimal(38, 2)) as historical_revenue,
        cast(null as decimal(38, 2)) as predicted_clv,
        false as is_purchaser,
        false as is_referred,
        cast(null as date) as first_purchase_date
),

final as (
    select * from named
    union all
    select * from anonymous
)

select * from final
