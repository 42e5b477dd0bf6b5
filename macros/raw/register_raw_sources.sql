{#- on-run-start: one view per raw table, in the raw views schema (var
    loyalty_raw_views_schema, default `raw`), read by the base models.

    Each table's input (raw_input, macros/raw/raw_inputs.sql) is a table of the
    warehouse, a parquet file or a CSV file in LOYALTY_RAW_DIR, or nothing (an
    optional table). Whatever it is, the view has the same columns:
      - source_row_number: the row's position (docs/raw-data.md#row-positions),
      - source_line_number: the CSV line the row starts on (null otherwise),
      - every contract column: typed as it is when the input types it as a
        timestamp (*_at) or a number (number_columns), else text; null when absent,
      - is_malformed_row: a CSV row with more or fewer fields than the header,
      - raw_record: the whole row as JSON text.
    A missing required input or column, or a file that cannot be read, stops the
    build here with one line naming both. Inputs are only read, never written. -#}
{% macro register_raw_sources() %}
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
