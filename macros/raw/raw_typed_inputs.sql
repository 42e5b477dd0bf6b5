{#- The inputs that type their own values and cannot be malformed: a table of the
    warehouse, a parquet file. -#}

{% macro raw_table_select(relation, table, spec) -%}
    {#- returns {select: the raw view's query, note: for the build's log} -#}
    {%- set types = raw_relation_columns(relation) -%}
    {%- set name = [relation.database, relation.schema, relation.identifier] | reject('none') | join('.') -%}
    {%- set matched = match_raw_columns('table ' ~ name, table, spec, types.keys() | list) -%}
    {%- set body = raw_typed_select(relation, none, matched, types, spec) -%}
    {{ return({'select': body, 'note': 'a table of the warehouse'}) }}
{%- endmacro %}


{% macro raw_parquet_select(file, table, spec) -%}
    {#- returns {select: the raw view's query, note: for the build's log} -#}
    {%- set reader = raw_parquet_reader(file, table) -%}
    {%- set matched = match_raw_columns(file, table, spec, reader.types.keys() | list) -%}
    {%- set body = raw_typed_select(reader['from'], reader.row_number, matched, reader.types, spec) -%}
    {{ return({'select': body, 'note': 'parquet'}) }}
{%- endmacro %}


{% macro raw_parquet_reader(file, table) -%}
    {#- returns {from, row_number, types} -#}
    {{ return(adapter.dispatch('raw_parquet_reader', 'loyalty_warehouse')(file, table)) }}
{%- endmacro %}

{% macro default__raw_parquet_reader(file, table) -%}
    {%- set reader = "read_parquet(" ~ sql_string(file) ~ ", file_row_number = true)" -%}
    {%- set types = {} -%}
    {%- for row in run_query("describe select * from " ~ reader).rows
        if row[0] != 'file_row_number' -%}
        {%- do types.update({row[0]: row[1] | lower}) -%}
    {%- endfor -%}
    {{ return({'from': reader, 'row_number': 'file_row_number + 1', 'types': types}) }}
{%- endmacro %}

{% macro spark__raw_parquet_reader(file, table) -%}
    {%- set relation = spark_raw_file_table(table, 'parquet', file) -%}
    {%- set types = raw_relation_columns(relation) -%}
    {{ return({'from': relation, 'row_number': '_metadata.row_index + 1', 'types': types}) }}
{%- endmacro %}


{% macro spark_raw_file_table(table, using, file, options={}, columns=none) -%}
    {#- returns the table's relation, made anew -#}
    {%- set relation = api.Relation.create(
        schema=var('loyalty_raw_views_schema', 'raw'), identifier=table ~ '__file'
    ) -%}
    {%- do run_query('drop table if exists ' ~ relation) -%}
    {%- set option_list = ["path " ~ sql_string(file)] -%}
    {%- for key, value in options.items() -%}
        {%- do option_list.append(key ~ " " ~ sql_string(value)) -%}
    {%- endfor -%}
    {%- do run_query(
        "create table " ~ relation
        ~ (" (" ~ columns | join(", ") ~ ")" if columns else "")
        ~ " using " ~ using ~ " options (" ~ option_list | join(", ") ~ ")"
    ) -%}
    {{ return(relation) }}
{%- endmacro %}


{% macro raw_typed_select(from, row_number, matched, types, spec) -%}
    {%- set present = types.keys() | list -%}
    {%- set quoted = [] -%}
    {%- for name in present -%}{%- do quoted.append(raw_identifier(name)) -%}{%- endfor -%}
    {%- set id_column = spec.required_columns[0] -%}
    with input_rows as (
        select
            {{ row_number if row_number else 'cast(null as bigint)' }} as source_row_number,
            cast(null as bigint) as source_line_number,
            {{ raw_contract_columns(spec, matched, types) }}
            false as is_malformed_row,
            {{ raw_json_object(present, quoted) }} as raw_record
        from {{ from }}
    )

    {% if row_number -%}
    select * from input_rows
    {%- else -%}
    select
        row_number() over (
            order by cast({{ id_column }} as {{ dbt.type_string() }}), raw_record
        ) as source_row_number,
        source_line_number,
        {%- for column in spec.required_columns + spec.optional_columns %}
        {{ column }},
        {%- endfor %}
        is_malformed_row,
        raw_record
    from input_rows
    {%- endif %}
{%- endmacro %}
