{#- A cast that gives null instead of failing. dbt.safe_cast is a plain cast on
    DuckDB (and Postgres, Spark), so a malformed raw value would crash the load
    instead of quarantining its row. -#}
{% macro try_cast(expression, data_type) -%}
    {{ return(adapter.dispatch('try_cast', 'loyalty_warehouse')(expression, data_type)) }}
{%- endmacro %}

{% macro default__try_cast(expression, data_type) -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}
