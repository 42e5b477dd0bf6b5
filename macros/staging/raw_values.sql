{#- The raw values of the base models typed: text cleaned and parsed, columns the
    input already typed read as they are (docs/raw-data.md). -#}

{% macro parse_timestamp(expression) -%}
    {{ return(adapter.dispatch('parse_timestamp', 'loyalty_warehouse')(clean_text(expression))) }}
{%- endmacro %}

{% macro default__parse_timestamp(expression) -%}
    {{ loyalty_warehouse.try_cast(expression, 'timestamp') }}
{%- endmacro %}

{#- DuckDB's plain timestamp cast ignores an offset, and the offset-aware one (ICU)
    is four times slower: take the slow path only for text ending in an offset. -#}
{% macro duckdb__parse_timestamp(expression) -%}
    case
        when regexp_matches(
            {{ expression }}, ':\d\d(\.\d+)?\s*([zZ]|[+-]\d\d(:?\d\d)?)$'
        )
            then {{ utc_timestamp(loyalty_warehouse.try_cast(expression, 'timestamptz')) }}
        else {{ loyalty_warehouse.try_cast(expression, 'timestamp') }}
    end
{%- endmacro %}


{% macro clean_text(expression) -%}
    case
        when trim({{ expression }}) in ({{ missing_value_tokens() | join(', ') }}) then null
        else trim({{ expression }})
    end
{%- endmacro %}


{% macro missing_value_tokens() -%}
    {{ return(adapter.dispatch('missing_value_tokens', 'loyalty_warehouse')()) }}
{%- endmacro %}

{% macro default__missing_value_tokens() -%}
    {{ return(["''", "'NULL'", "'null'", "'\\N'"]) }}
{%- endmacro %}

{#- Spark reads a backslash in a string literal as an escape: double it. -#}
{% macro spark__missing_value_tokens() -%}
    {{ return(["''", "'NULL'", "'null'", "'\\\\N'"]) }}
{%- endmacro %}


{% macro raw_timestamp(relation, column) -%}
    {%- set data_type = raw_column_type(relation, column) -%}
    {%- if data_type.startswith('timestamp with time zone') or data_type == 'timestamptz' -%}
        {{ utc_timestamp(column) }}
    {%- elif is_temporal_type(data_type) -%}
        cast({{ column }} as timestamp)
    {%- else -%}
        {{ parse_timestamp(column) }}
    {%- endif -%}
{%- endmacro %}


{% macro raw_number(relation, column, data_type) -%}
    {%- if is_numeric_type(raw_column_type(relation, column)) -%}
        {{ try_cast(column, data_type) }}
    {%- else -%}
        {{ try_cast(clean_text(column), data_type) }}
    {%- endif -%}
{%- endmacro %}


{% macro raw_is_missing(relation, column) -%}
    {%- if raw_column_type(relation, column) in ['varchar', 'string'] -%}
        ({{ clean_text(column) }} is null)
    {%- else -%}
        ({{ column }} is null)
    {%- endif -%}
{%- endmacro %}


{% macro raw_column_type(relation, column) -%}
    {%- if execute -%}
        {%- for found in adapter.get_columns_in_relation(relation) -%}
            {%- if found.name | lower == column -%}
                {{ return(found.dtype | lower) }}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return('varchar') }}
{%- endmacro %}


{% macro utc_timestamp(expression) -%}
    {{ return(adapter.dispatch('utc_timestamp', 'loyalty_warehouse')(expression)) }}
{%- endmacro %}

{% macro default__utc_timestamp(expression) -%}
    timezone('UTC', {{ expression }})
{%- endmacro %}

{#- A Spark timestamp is an instant, shown in the session time zone (UTC). -#}
{% macro spark__utc_timestamp(expression) -%}
    cast({{ expression }} as timestamp)
{%- endmacro %}
