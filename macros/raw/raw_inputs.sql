{% macro raw_input(table, spec, view) -%}
    {#- returns {kind: 'file', name, path}, {kind: 'table', name, relation} or
        {kind: 'none', name}; stops the build when a required input is missing -#}
    {%- if var('loyalty_raw_schema', none) and table not in var('loyalty_raw_file_tables', []) -%}
        {{ return(raw_table_input(table, spec, view)) }}
    {%- endif -%}
    {%- set raw_dir = env_var('LOYALTY_RAW_DIR', 'data/raw') -%}
    {%- set files = raw_list_files(raw_dir, table) -%}
    {%- if files | length > 1 -%}
        {{ raw_data_error("both " ~ files | join(' and ') ~ " exist; keep one file per table") }}
    {%- elif files | length == 0 and spec.required -%}
        {{ raw_data_error(
            "required file " ~ raw_dir ~ "/" ~ table ~ ".parquet (or .csv) for table '"
            ~ table ~ "' not found; set LOYALTY_RAW_DIR or run `loyalty generate`"
        ) }}
    {%- elif files | length == 0 -%}
        {{ return({'kind': 'none', 'name': none}) }}
    {%- endif -%}
    {{ return({'kind': 'file', 'name': files[0], 'path': files[0]}) }}
{%- endmacro %}


{% macro raw_table_input(table, spec, view) -%}
    {#- returns {kind: 'table', name, relation}, or {kind: 'none', name} when an
        optional table is missing -#}
    {%- set node = graph.sources.values() | selectattr('source_name', 'equalto', 'raw_tables')
        | selectattr('name', 'equalto', table) | first -%}
    {%- set relation = api.Relation.create(
        database=node['database'] or none, schema=node['schema'], identifier=node['identifier']
    ) -%}
    {%- set display = [relation.database, relation.schema, relation.identifier]
        | reject('none') | join('.') -%}
    {%- if relation.schema | lower == view.schema | lower
        and relation.identifier | lower == view.identifier | lower -%}
        {{ raw_data_error(
            "table " ~ display ~ " for table '" ~ table ~ "' is where the project puts its "
            ~ "view of it; set loyalty_raw_views_schema to another schema than "
            ~ "loyalty_raw_schema"
        ) }}
    {%- endif -%}
    {%- set columns = raw_relation_columns(relation) -%}
    {%- if not columns and spec.required -%}
        {{ raw_data_error(
            "required table " ~ display ~ " for table '" ~ table ~ "' not found; check "
            ~ "the vars loyalty_raw_database, loyalty_raw_schema and loyalty_raw_"
            ~ table ~ "_identifier"
        ) }}
    {%- elif not columns -%}
        {{ return({'kind': 'none', 'name': 'no table ' ~ display}) }}
    {%- endif -%}
    {{ return({'kind': 'table', 'name': display, 'relation': relation}) }}
{%- endmacro %}


{% macro raw_list_files(raw_dir, table) -%}
    {#- returns a list of paths, sorted -#}
    {{ return(adapter.dispatch('raw_list_files', 'loyalty_warehouse')(raw_dir, table)) }}
{%- endmacro %}

{% macro default__raw_list_files(raw_dir, table) -%}
    {{ return(run_query(
        "select file from glob(" ~ sql_string(raw_dir ~ "/" ~ table ~ ".parquet") ~ ") "
        ~ "union all select file from glob(" ~ sql_string(raw_dir ~ "/" ~ table ~ ".csv") ~ ") "
        ~ "order by file"
    ).columns[0].values() | list) }}
{%- endmacro %}

{#- Spark's binaryFile source lists a folder on any path Spark reads (the files'
    content is not read). -#}
{% macro spark__raw_list_files(raw_dir, table) -%}
    {{ return(run_query(
        "select path from binaryFile.`" ~ raw_dir ~ "` "
        ~ "where path rlike '/" ~ table ~ "[.](parquet|csv)$' order by path"
    ).columns[0].values() | list) }}
{%- endmacro %}


{% macro raw_relation_columns(relation) -%}
    {#- returns {column name: its type, lower case}, empty when there is no such relation -#}
    {{ return(adapter.dispatch('raw_relation_columns', 'loyalty_warehouse')(relation)) }}
{%- endmacro %}

{% macro default__raw_relation_columns(relation) -%}
    {%- set found = run_query(
        "select column_name, lower(data_type) from information_schema.columns"
        ~ " where table_catalog = " ~ sql_string(relation.database or target.database)
        ~ " and table_schema = " ~ sql_string(relation.schema)
        ~ " and table_name = " ~ sql_string(relation.identifier)
        ~ " order by ordinal_position"
    ) -%}
    {%- set columns = {} -%}
    {%- for row in found.rows -%}{%- do columns.update({row[0]: row[1]}) -%}{%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}

{% macro spark__raw_relation_columns(relation) -%}
    {%- set columns = {} -%}
    {%- for column in adapter.get_columns_in_relation(relation) -%}
        {%- do columns.update({column.name: column.dtype | lower}) -%}
    {%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}
