with responses as (
    select * from {{ ref('int_survey_responses_categorised') }}
),

final as (
    select
        response_id,
        customer_id,
        survey_type,
        nps_category,
        comment,
        score,
        is_anonymous,
        responded_at,
        responded_date
    from responses
)

select * from final
