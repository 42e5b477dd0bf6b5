{#- Raw survey answers, typed, each row with every problem it has (or none).
    Rebuilt from the whole export on every build, like base_raw__orders. -#}

{%- set raw = source('raw', 'survey_responses') %}

with source as {{ not_materialized() }} (
    select * from {{ raw }}
),

customers as (
    -- the staged customers (stg_raw__customers): those with no quarantine reason
    select customer_id from {{ ref('base_raw__customers') }}
    where quarantine_reason is null
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
        {{ raw_number(raw, 'score', 'decimal(18, 4)') }} as score_number,
        {{ raw_timestamp(raw, 'responded_at') }} as responded_at
    from source
),

repeated_ids as (
    {{ first_rows_of_repeated_ids('typed', 'response_id') }}
),

checked as (
    select
        typed.*,
        survey_types.min_score,
        survey_types.max_score,
        survey_types.survey_type is not null as is_known_survey_type,
        typed.customer_id is null
        or customers.customer_id is not null as is_known_or_anonymous,
        coalesce(typed.source_row_number > repeated_ids.first_row_number, false)
            as is_duplicate_id
    from typed
    left join customers on typed.customer_id = customers.customer_id
    left join survey_types on typed.survey_type = survey_types.survey_type
    left join repeated_ids on typed.response_id = repeated_ids.response_id
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
        ['duplicate_id', 'is_duplicate_id'],
        ['unknown_customer', 'not is_known_or_anonymous'],
        ['invalid_timestamp', 'responded_at is null'],
        ['implausible_timestamp', is_implausible('responded_at')],
        ['future_timestamp', is_future('responded_at')],
        ['unknown_survey_type', 'not is_known_survey_type'],
        ['invalid_score',
            'is_known_survey_type and (score_number is null'
            ~ ' or score_number != round(score_number)'
            ~ ' or score_number not between min_score and max_score)'],
    ]) }} as quarantine_reason
from checked
