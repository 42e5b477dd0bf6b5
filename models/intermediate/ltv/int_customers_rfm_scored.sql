{#- RFM as of the as-of date, among purchasers: recency (days since last purchase),
    frequency (purchases), monetary (historical revenue), scored 1-5 by quintile
    (5 = most recent, most frequent, most spent), named from the seed rfm_segments.

    A view: dim_customers is its one reader; as a table it was one more write. -#}

{{ config(materialized='view') }}

with purchases as (
    select * from {{ ref('int_customer_purchases_summarised') }}
),

segments as (
    select * from {{ ref('rfm_segments') }}
),

measured as (
    select
        customer_id,
        {{ dbt.datediff('last_purchase_date', as_of_date(), 'day') }}
            as recency_days,
        purchases as frequency,
        historical_revenue as monetary
    from purchases
),

scored as (
    select
        *,
        {{ quintile_score('recency_days', descending=true) }} as recency_score,
        {{ quintile_score('frequency') }} as frequency_score,
        {{ quintile_score('monetary') }} as monetary_score
    from measured
),

final as (
    select
        scored.customer_id,
        segments.rfm_segment,
        scored.recency_days,
        scored.frequency,
        scored.monetary,
        scored.recency_score,
        scored.frequency_score,
        scored.monetary_score
    from scored
    inner join segments
        on
            scored.recency_score = segments.recency_score
            and scored.frequency_score = segments.frequency_score
)

select * from final
