{% macro email_sha256(email) -%}
    {{ return(adapter.dispatch('email_sha256', 'loyalty_warehouse')(email)) }}
{%- endmacro %}

{% macro default__email_sha256(email) -%}
    sha256(lower(trim({{ email }})))
{%- endmacro %}

{% macro spark__email_sha256(email) -%}
    sha2(lower(trim({{ email }})), 256)
{%- endmacro %}
