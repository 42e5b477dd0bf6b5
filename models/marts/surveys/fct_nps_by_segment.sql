{#- NPS over the trailing 365 days (loyalty_window_days) per segment: all answers
    (anonymous included) and, for answers with a customer, by acquisition channel,
    country and the customer's loyalty stage as of the as-of date. -#}

with responses as (
    select
        response_id,
        customer_id,
        nps_category
    from {{ ref('fct_survey_responses') }}
    where survey_type = 'nps' and {{ in_loyalty_window('responded_date', as_of_date()) }}
),

customers as (
    select * from {{ ref('stg_raw__customers') }}
),

loyalty as (
    select * from {{ ref('int_customers_loyalty_evaluated') }}
),

known as (
    select
        responses.response_id,
        responses.nps_category,
        {{ unknown_if_missing('customers.acquisition_channel') }} as acquisition_channel,
        {{ unknown_if_missing('customers.country_code') }} as country_code,
        loyalty.loyalty_stage
    from responses
    inner join customers on responses.customer_id = customers.customer_id
    inner join loyalty on responses.customer_id = loyalty.customer_id
),

segmented as (
    select
        'all' as segment_type,
        'all' as segment_value,
        nps_category
    from responses
    union all
    select
        'acquisition_channel' as segment_type,
        acquisition_channel as segment_value,
        nps_category
    from known
    union all
    select
        'country_code' as segment_type,
        country_code as segment_value,
        nps_category
    from known
    union all
    select
        'loyalty_stage' as segment_type,
        loyalty_stage as segment_value,
        nps_category
    from known
),

counted as (
    select
        segment_type,
        segment_value,
        {{ nps_counts('nps_category') }}
    from segmented
    group by segment_type, segment_value
),

final as (
    select
        {{ surrogate_key(['segment_type', 'segment_value']) }} as segment_id,
        segment_type,
        segment_value,
        responses,
        promoters,
        passives,
        detractors,
        {{ nps_columns('promoters', 'detractors', 'responses') }}
    from counted
)

select * from final
