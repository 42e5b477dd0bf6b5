{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- elif not loyalty_warehouse.is_plain_identifier(custom_schema_name | trim) -%}
        {{ exceptions.raise_compiler_error(
            "Invalid vars: a schema the project builds in must be a plain identifier "
            ~ "(letters, digits and underscores, not starting with a digit), got '"
            ~ custom_schema_name | trim ~ "' (vars loyalty_staging_schema, "
            ~ "loyalty_intermediate_schema, loyalty_marts_schema, loyalty_quarantine_schema, loyalty_semantic_schema)"
        ) }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}


{% macro target_database() -%}
    {{ return(target.database if target.database is defined else none) }}
{%- endmacro %}
