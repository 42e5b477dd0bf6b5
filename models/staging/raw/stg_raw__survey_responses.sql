with base as (
    select * from {{ ref('base_raw__survey_responses') }}
),

final as (
    select
        response_id,
        customer_id,
        survey_type,
        comment,
        score,
        customer_id is null as is_anonymous,
        responded_at,
        {{ local_date('responded_at') }} as responded_date
    from base
    where quarantine_reason is null
)

select * from final
