{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ delete_incremental_window(in_incremental_window('responded_at')) }}",
    post_hook="{{ record_incremental_build() }}",
) }}

{#- Raw survey answers, typed, each row with every problem it has (or none).
    Incremental like base_raw__orders. -#}

{#- A full build reads the whole file and numbers the ids in one pass; an
    incremental one numbers the ids of its window against the whole file. -#}
{%- set id_occurrence = 'id_occurrences.id_occurrence' if is_incremental() else
    'row_number() over (partition by in_window.response_id order by in_window.source_row_number)'
-%}

with source as (
    select * from {{ source('raw', 'survey_responses') }}
),

customers as (
    select customer_id from {{ ref('stg_raw__customers') }}
),

survey_types as (
    select * from {{ ref('survey_types') }}
),

typed as (
    select
        source_row_number,
        is_malformed_row,
        {{ clean_text('response_id') }} as response_id,
        {{ clean_text('customer_id') }} as customer_id,
        lower({{ clean_text('survey_type') }}) as survey_type,
        {{ clean_text('comment') }} as comment,
        {{ try_cast(clean_text('score'), 'decimal(18, 4)') }} as score_number,
        {{ parse_timestamp('responded_at') }} as responded_at
    from source
),

in_window as (
    select * from typed
    where {{ in_incremental_window('responded_at') }}
),

{%- if is_incremental() %}

id_occurrences as (
    -- the first row of an id in the whole file is the one kept
    select
        source_row_number,
        row_number() over (
            partition by response_id order by source_row_number
        ) as id_occurrence
    from typed
    where response_id in (select in_window.response_id from in_window)
),
{%- endif %}

checked as (
    select
        in_window.*,
        survey_types.min_score,
        survey_types.max_score,
        survey_types.survey_type is not null as is_known_survey_type,
        in_window.customer_id is null
        or customers.customer_id is not null as is_known_or_anonymous,
        {{ id_occurrence }} as id_occurrence
    from in_window
    left join customers on in_window.customer_id = customers.customer_id
    left join survey_types on in_window.survey_type = survey_types.survey_type
    {%- if is_incremental() %}
    left join id_occurrences
        on in_window.source_row_number = id_occurrences.source_row_number
    {%- endif %}
)

select
    source_row_number,
    is_malformed_row,
    response_id,
    customer_id,
    survey_type,
    comment,
    cast(
        case when score_number = round(score_number) then score_number end
        as integer
    ) as score,
    responded_at,
    {{ quarantine_reasons([
        ['missing_id', 'response_id is null'],
        ['duplicate_id', 'response_id is not null and id_occurrence > 1'],
        ['unknown_customer', 'not is_known_or_anonymous'],
        ['invalid_timestamp', 'responded_at is null'],
        ['future_timestamp', is_future('responded_at')],
        ['unknown_survey_type', 'not is_known_survey_type'],
        ['invalid_score',
            'is_known_survey_type and (score_number is null'
            ~ ' or score_number != round(score_number)'
            ~ ' or score_number not between min_score and max_score)'],
    ]) }} as quarantine_reason
from checked
