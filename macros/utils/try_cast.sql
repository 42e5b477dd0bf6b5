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


{#- Raw text to a UTC timestamp without time zone, or null when it is missing or
    does not parse. The text is cleaned first (trimmed; missing-value tokens are
    null), so a space after an offset cannot hide it. Offsets ("+02:00", "Z") are
    honoured; naive values are taken as UTC. -#}
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
            then timezone('UTC', {{ loyalty_warehouse.try_cast(expression, 'timestamptz') }})
        else {{ loyalty_warehouse.try_cast(expression, 'timestamp') }}
    end
{%- endmacro %}


{#- Raw text trimmed, null when missing: an empty field or one of the tokens that
    database exports write for a missing value (NULL, null, \N). -#}
{% macro clean_text(expression) -%}
    case
        when trim({{ expression }}) in ({{ missing_value_tokens() | join(', ') }}) then null
        else trim({{ expression }})
    end
{%- endmacro %}


{#- The texts that mean "missing" in a raw field, as SQL string literals. -#}
{% macro missing_value_tokens() -%}
    {{ return(adapter.dispatch('missing_value_tokens', 'loyalty_warehouse')()) }}
{%- endmacro %}

{% macro default__missing_value_tokens() -%}
    {{ return(["''", "'NULL'", "'null'", "'\\N'"]) }}
{%- endmacro %}
