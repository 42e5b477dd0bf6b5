{% macro clv_function(name) -%}
    {%- if execute -%}
        {%- set found = run_query("show user functions like '" ~ name ~ "'") -%}
        {%- if found.rows | length == 0 -%}
            {{ exceptions.raise_compiler_error(
                "The CLV function " ~ name ~ " is not registered in this Spark session: "
                ~ "build on Spark with `loyalty build --target " ~ target.name
                ~ "`, which registers it and then runs dbt"
            ) }}
        {%- endif -%}
    {%- endif -%}
    {{ return(name) }}
{%- endmacro %}
