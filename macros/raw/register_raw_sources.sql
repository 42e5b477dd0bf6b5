{% macro register_raw_sources() %}
    {#- returns '' (the hook's SQL): the views are made here, with run_query -#}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set views_schema = var('loyalty_raw_views_schema', 'raw') -%}
    {%- do adapter.create_schema(api.Relation.create(database=target_database(), schema=views_schema)) -%}
    {%- for table, spec in var('raw_tables').items() -%}
        {%- set view = api.Relation.create(
            database=target_database(), schema=views_schema, identifier=table, type='view'
        ) -%}
        {%- set input = raw_input(table, spec, view) -%}
        {%- if input.kind == 'none' -%}
            {%- set loaded = {'select': empty_raw_select(spec), 'note': 'no input, empty table'} -%}
        {%- elif input.kind == 'table' -%}
            {%- set loaded = raw_table_select(input.relation, table, spec) -%}
        {%- elif input.path.endswith('.parquet') -%}
            {%- set loaded = raw_parquet_select(input.path, table, spec) -%}
        {%- else -%}
            {%- set loaded = raw_csv_select(input.path, table, spec) -%}
        {%- endif -%}
        {%- do run_query('create or replace view ' ~ view ~ ' as ' ~ loaded['select']) -%}
        {{ log(view.schema ~ "." ~ table ~ ": " ~ (input.name ~ ", " if input.name)
               ~ loaded['note'], info=true) }}
    {%- endfor -%}
    {{ return('') }}
{% endmacro %}


{% macro raw_data_error(message) -%}
    {{ exceptions.raise_database_error("Raw data: " ~ message) }}
{%- endmacro %}


{% macro sql_string(value) -%}
    '{{ value | string | replace("'", "''") }}'
{%- endmacro %}


{% macro raw_identifier(name) -%}
    {{ adapter.quote(name | replace('"', '""') | replace('`', '``')) }}
{%- endmacro %}


{% macro empty_raw_select(spec) -%}
    select
        cast(null as bigint) as source_row_number,
        cast(null as bigint) as source_line_number,
        {%- for column in spec.required_columns + spec.optional_columns %}
        cast(null as {{ dbt.type_string() }}) as {{ column }},
        {%- endfor %}
        false as is_malformed_row,
        cast(null as {{ dbt.type_string() }}) as raw_record
    where false
{%- endmacro %}
