{#- A cast that gives null instead of failing. dbt.safe_cast is a plain cast on
    DuckDB (and Postgres, Spark), so a malformed raw value would crash the load
    instead of quarantining its row. -#}
{% macro try_cast(expression, data_type) -%}
    {{ return(adapter.dispatch('try_cast', 'loyalty_warehouse')(expression, data_type)) }}
{%- endmacro %}

{% macro default__try_cast(expression, data_type) -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}

{% macro bigquery__try_cast(expression, data_type) -%}
    safe_cast({{ expression }} as {{ data_type }})
{%- endmacro %}

{% macro postgres__try_cast(expression, data_type) -%}
    {{ exceptions.raise_compiler_error(
        "try_cast has no Postgres implementation: Postgres cannot cast without "
        ~ "failing; add one (e.g. a pg function) before running on Postgres"
    ) }}
{%- endmacro %}


{#- Text to a UTC timestamp without time zone, or null when it does not parse.
    Offsets ("+02:00", "Z") are honoured; naive values are taken as UTC. -#}
{% macro parse_timestamp(expression) -%}
    {{ return(adapter.dispatch('parse_timestamp', 'loyalty_warehouse')(expression)) }}
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
            then timezone('UTC', {{ loyalty_warehouse.try_cast(expression, 'timestamptz') }})
        else {{ loyalty_warehouse.try_cast(expression, 'timestamp') }}
    end
{%- endmacro %}


{#- Trimmed text, null when empty: raw files write missing values either way. -#}
{% macro clean_text(expression) -%}
    nullif(trim({{ expression }}), '')
{%- endmacro %}
