{#- The only form of an email address allowed in marts: sha256 of the trimmed,
    lower-cased address (null when there is none), in hex. Join on it, never on the
    email. -#}
{% macro email_sha256(email) -%}
    {{ return(adapter.dispatch('email_sha256', 'loyalty_warehouse')(email)) }}
{%- endmacro %}

{% macro default__email_sha256(email) -%}
    sha256(lower(trim({{ email }})))
{%- endmacro %}

{% macro spark__email_sha256(email) -%}
    sha2(lower(trim({{ email }})), 256)
{%- endmacro %}
