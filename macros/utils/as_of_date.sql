{% macro as_of_date() -%}
    {%- set value = var('as_of_date', none) -%}
    {%- set relation = ref('base_raw__as_of_date') -%}
    {%- if value -%}
        cast('{{ value }}' as date)
    {%- elif execute and model is defined and model.resource_type in ['model', 'test']
        and adapter.get_relation(relation.database, relation.schema, relation.identifier) -%}
        {%- set found = run_query('select as_of_date from ' ~ relation).columns[0].values() -%}
        {%- if found and found[0] -%}
            date '{{ found[0] }}'
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


{% macro latest_raw_date_sql(relations_and_columns, until) -%}
    select cast(max(parsed_at) as date)
    from (
        {%- for relation, column in relations_and_columns %}
        select {{ raw_timestamp(relation, column) }} as parsed_at from {{ relation }}
        {%- if not loop.last %} union all{% endif %}
        {%- endfor %}
    ) as timestamps
    where cast(parsed_at as date) <= cast('{{ until }}' as date)
{%- endmacro %}
