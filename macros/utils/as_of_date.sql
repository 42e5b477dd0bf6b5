{% macro as_of_date() -%}
    {%- set value = var('as_of_date', none) -%}
    {%- set relation = ref('base_raw__as_of_date') -%}
    {%- if value -%}
        cast('{{ value }}' as date)
    {%- elif execute and model is defined and model.resource_type in ['model', 'test']
        and adapter.get_relation(relation.database, relation.schema, relation.identifier) -%}
        {%- set query %}select as_of_date from {{ relation }}{%- endset %}
        {%- set found = run_query(query).rows -%}
        {%- if found and found[0]['as_of_date'] -%}
            date '{{ found[0]['as_of_date'] }}'
        {%- else -%}
            cast(null as date)
        {%- endif -%}
    {%- else -%}
        (select as_of_date from {{ relation }})
    {%- endif -%}
{%- endmacro %}


{% macro clv_calibration_end() -%}
    {%- set value = var('clv_calibration_end', none) -%}
    {%- if value -%}
        cast('{{ value }}' as date)
    {%- else -%}
        {{ as_of_date() }}
    {%- endif -%}
{%- endmacro %}


{% macro raw_event_dates_sql(relations_and_columns, until) -%}
    select
        min(event_date) as first_event_date,
        max(event_date) as last_event_date
    from (
        select {{ local_date('parsed_at') }} as event_date
        from (
            {%- for relation, column in relations_and_columns %}
            select {{ raw_timestamp(relation, column) }} as parsed_at from {{ relation }}
            {%- if not loop.last %} union all{% endif %}
            {%- endfor %}
        ) as timestamps
    ) as event_dates
    where
        event_date <= cast('{{ until }}' as date)
        and event_date >= cast('{{ var('min_plausible_date') }}' as date)
{%- endmacro %}


{% macro check_as_of_date_against_events(as_of, relations_and_columns, until) -%}
    {%- set found = run_query(raw_event_dates_sql(relations_and_columns, until)).rows[0] -%}
    {%- set first, last = found['first_event_date'], found['last_event_date'] -%}
    {%- if first is none -%}
        {{ return('') }}
    {%- endif -%}
    {%- set day = modules.datetime.date.fromisoformat(as_of | string) -%}
    {%- set churn_after_days = var('churn_after_days') -%}
    {%- if day < first -%}
        {{ exceptions.raise_compiler_error(
            "Invalid vars: as_of_date (" ~ as_of ~ ") is before the first raw event ("
            ~ first ~ "): the raw rows would all lie in the future and be quarantined as "
            ~ "future_timestamp; set an as_of_date on or after " ~ first
        ) }}
    {%- elif (day - last).days > churn_after_days -%}
        {{ exceptions.raise_compiler_error(
            "Invalid vars: as_of_date (" ~ as_of ~ ") is " ~ "{:,}".format((day - last).days)
            ~ " days after the last raw event (" ~ last ~ "), more than churn_after_days ("
            ~ churn_after_days ~ "): every purchaser would have churned by then; set an "
            ~ "as_of_date up to " ~ (last + modules.datetime.timedelta(days=churn_after_days))
        ) }}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}
