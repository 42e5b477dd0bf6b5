{#- Clean survey answers given on or before the as-of date, with the NPS category:
    fct_survey_responses shows them (without the comments unless they are to be
    published).

    Incremental by month (dbt_project.yml, macros/incremental): a daily build
    re-derives the answers dated from the window start on, which moves back to the
    earliest month whose staged answers changed. A row with a null response_id marks a
    replaced month (macro with_month_markers). -#}

{%- set as_of = as_of_date() %}
{%- set response_columns = [
    'response_id', 'customer_id', 'survey_type', 'comment', 'score', 'is_anonymous',
    'responded_at', 'responded_date'
] -%}
{%- set staged_responses %}
    select
        {{ response_columns | join(', ') }},
        cast({{ dbt.date_trunc('month', 'responded_date') }} as date) as month_start_date
    from {{ ref('stg_raw__survey_responses') }}
    where responded_date <= {{ as_of }}
{%- endset %}
{%- set kept_responses %}
    select {{ response_columns | join(', ') }}, month_start_date
    from {{ this }}
    where response_id is not null
{%- endset %}
{%- set window_start = incremental_window_start(
    latest_date_column='responded_date',
    compared={
        'columns': response_columns,
        'input_rows': staged_responses,
        'kept_rows': kept_responses,
    },
) %}

with responses as (
    select * from {{ ref('stg_raw__survey_responses') }}
    where
        responded_date >= {{ window_start }}
        and responded_date <= {{ as_of }}
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
        responded_date,
        cast({{ dbt.date_trunc('month', 'responded_date') }} as date) as month_start_date
    from responses
)

{{ with_month_markers('final', window_start) }}
