{#- Models land in the schema their folder names (staging, intermediate, marts,
    quarantine), not in dbt's default "<target schema>_<custom>" (main_marts). -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}


{#- The target's database (catalog) for api.Relation.create: none on Spark, which
    has no three-part names. -#}
{% macro target_database() -%}
    {{ return(target.database if target.database is defined else none) }}
{%- endmacro %}
