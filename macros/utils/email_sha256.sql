{#- The only form of an email address allowed in marts: sha256 of the trimmed,
    lower-cased address (null when there is none). Join on it, never on the email. -#}
{% macro email_sha256(email) -%}
    sha256(lower(trim({{ email }})))
{%- endmacro %}
