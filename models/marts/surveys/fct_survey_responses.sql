{#- Every clean survey answer: int_survey_responses_categorised as BI reads it.

    A view (the published snapshot holds it as a table, like every mart): the
    incremental table keeps the replaced months' markers, which this leaves out. Free
    text is personal data: `comment` is null unless the var publish_survey_comments
    is true (docs/configuration.md). -#}

{{ config(materialized='view') }}

select
    response_id,
    customer_id,
    survey_type,
    nps_category,
    {% if var('publish_survey_comments') -%}
    comment,
    {%- else -%}
    cast(null as {{ dbt.type_string() }}) as comment,
    {%- endif %}
    score,
    is_anonymous,
    responded_at,
    responded_date,
    month_start_date
from {{ ref('int_survey_responses_categorised').include(database=False) }}
where response_id is not null
