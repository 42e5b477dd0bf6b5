{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ delete_incremental_window(
        'responded_date >= ' ~ incremental_window_start()
    ) }}",
    post_hook="{{ record_incremental_build() }}",
) }}

{#- Clean survey answers given on or before the as-of date, with the NPS category.
    Incremental: the answers dated in the window. -#}

with responses as (
    select * from {{ ref('stg_raw__survey_responses') }}
    where cast(responded_at as date) >= {{ incremental_window_start() }}
),

final as (
    select
        response_id,
        customer_id,
        survey_type,
        case when survey_type = 'nps' then {{ nps_category('score') }} end
            as nps_category,
        comment,
        score,
        is_anonymous,
        responded_at,
        cast(responded_at as date) as responded_date,
        cast({{ dbt.date_trunc('month', 'responded_at') }} as date) as month_start_date
    from responses
    where cast(responded_at as date) <= {{ as_of_date() }}
)

select * from final
