{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ delete_incremental_window(
        'responded_date >= ' ~ incremental_window_start()
    ) }}",
    post_hook="{{ record_incremental_build() }}",
) }}

{#- Incremental: the answers dated in the window. -#}

with responses as (
    select * from {{ ref('int_survey_responses_categorised') }}
    where responded_date >= {{ incremental_window_start() }}
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
