{#- Clean survey answers given on or before the as-of date, with the NPS category.
    Incremental by month (macro incremental_window_start): the answers dated from the
    window start on, or from the earliest month whose staged answers changed. -#}

{{ config(
    materialized='incremental',
    unique_key='month_start_date',
    incremental_strategy='insert_overwrite' if target.type == 'spark' else 'delete+insert',
    partition_by='month_start_date' if target.type == 'spark' else none,
    on_schema_change='fail',
) }}

{%- set response_columns = [
    'response_id', 'customer_id', 'survey_type', 'comment', 'score', 'is_anonymous',
    'responded_at'
] -%}
{%- set window_start = incremental_window_start('responded_date', compare={
    'columns': response_columns,
    'upstream': 'select ' ~ response_columns | join(', ') ~ ', cast('
        ~ dbt.date_trunc('month', 'responded_at') ~ ' as date) as month_start_date from '
        ~ ref('stg_raw__survey_responses') ~ ' where cast(responded_at as date) <= '
        ~ as_of_date(),
    'kept': 'select ' ~ response_columns | join(', ') ~ ', month_start_date from ' ~ this,
}) %}

with responses as (
    select * from {{ ref('stg_raw__survey_responses') }}
    where
        cast(responded_at as date) >= {{ window_start }}
        and cast(responded_at as date) <= {{ as_of_date() }}
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
)

select * from final
