{% macro match_raw_columns(input_name, table, spec, present) -%}
    {#- returns {contract column: the input's column} -#}
    {%- set column_map = {} -%}
    {%- for name, column in var('loyalty_raw_column_map', {}).get(table, {}).items() -%}
        {%- do column_map.update({name | trim | lower: column | trim | lower}) -%}
    {%- endfor -%}
    {%- set contract = spec.required_columns + spec.optional_columns -%}
    {%- set matched = {} -%}
    {%- for name in present -%}
        {%- set column = column_map.get(name | trim | lower, name | trim | lower) -%}
        {%- if column in contract and column in matched -%}
            {{ raw_data_error(
                input_name ~ " (table '" ~ table ~ "') has two columns for '" ~ column
                ~ "': '" ~ matched[column] ~ "' and '" ~ name ~ "'"
            ) }}
        {%- elif column in contract -%}
            {%- do matched.update({column: name}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for column in spec.required_columns if column not in matched -%}
        {%- set mapped_from = [] -%}
        {%- for name, mapped in column_map.items() if mapped == column -%}
            {%- do mapped_from.append(name) -%}
        {%- endfor -%}
        {{ raw_data_error(
            input_name ~ " (table '" ~ table ~ "') has no required column '" ~ column ~ "'"
            ~ (" (mapped from '" ~ mapped_from | join("', '") ~ "')" if mapped_from)
            ~ "; it has: " ~ present | join(', ')
        ) }}
    {%- endfor -%}
    {{ return(matched) }}
{%- endmacro %}


{% macro raw_contract_columns(spec, matched, types) -%}
    {%- for column in spec.required_columns + spec.optional_columns %}
    {%- if column in matched %}
    {%- set native = types[matched[column]] %}
    {%- set is_temporal_column = column.endswith('_at') or column in spec.get('date_columns', []) %}
    {%- if (is_temporal_column and is_temporal_type(native))
        or (column in spec.get('number_columns', []) and is_numeric_type(native)) %}
    {{ raw_identifier(matched[column]) }} as {{ column }},
    {%- else %}
    cast({{ raw_identifier(matched[column]) }} as {{ dbt.type_string() }}) as {{ column }},
    {%- endif %}
    {%- else %}
    cast(null as {{ dbt.type_string() }}) as {{ column }},
    {%- endif %}
    {%- endfor %}
{%- endmacro %}


{% macro is_temporal_type(data_type) -%}
    {#- returns a boolean -#}
    {{ return(data_type == 'date' or data_type.startswith('timestamp')) }}
{%- endmacro %}

{% macro is_numeric_type(data_type) -%}
    {#- returns a boolean -#}
    {{ return(data_type.split('(')[0] in [
        'tinyint', 'smallint', 'integer', 'bigint', 'hugeint', 'utinyint', 'usmallint',
        'uinteger', 'ubigint', 'float', 'double', 'decimal', 'int', 'long', 'short',
        'byte', 'real', 'numeric'
    ]) }}
{%- endmacro %}


{% macro raw_json_object(names, expressions) -%}
    {{ return(adapter.dispatch('raw_json_object', 'loyalty_warehouse')(names, expressions)) }}
{%- endmacro %}

{% macro default__raw_json_object(names, expressions) -%}
    cast(to_json(struct_pack(
        {%- for name in names %}
        {{ raw_identifier(name) }} := {{ expressions[loop.index0] }}{{ "," if not loop.last }}
        {%- endfor %}
    )) as varchar)
{%- endmacro %}

{% macro spark__raw_json_object(names, expressions) -%}
    to_json(named_struct(
        {%- for name in names %}
        {{ sql_string(name) }}, {{ expressions[loop.index0] }}{{ "," if not loop.last }}
        {%- endfor %}
    ), map('ignoreNullFields', 'false'))
{%- endmacro %}
