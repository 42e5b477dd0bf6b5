{#- The date every "as of" rule uses, as a SQL date expression.
    The var as_of_date when set (YYYY-MM-DD), else the latest order date as computed
    once per build by base_raw__as_of_date: looked up when a model runs and written
    as a literal, because a filter on a literal date reaches the table scan (it
    skips row groups) and one on a subquery does not. Where that table is not
    built yet (parsing, linting) or in unit tests (which mock it), the subquery. -#}
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


{#- End of the CLV calibration period: the var clv_calibration_end when set, else the
    as-of date. Transactions after it (up to the as-of date) are the holdout. -#}
{% macro clv_calibration_end() -%}
    {%- set value = var('clv_calibration_end', none) -%}
    {%- if value -%}
        cast('{{ value }}' as date)
    {%- else -%}
        {{ as_of_date() }}
    {%- endif -%}
{%- endmacro %}


{#- SQL for the latest date among raw timestamp columns, ignoring dates after
    `until` (YYYY-MM-DD). relations_and_columns: [relation, column] pairs. -#}
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
