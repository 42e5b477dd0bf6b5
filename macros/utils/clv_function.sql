{#- The name of a CLV table function registered in the Spark session, or stop the
    build in one line when it is not (`dbt build` on its own cannot register Python
    functions: `loyalty build --target spark` registers them, then runs dbt). -#}
{% macro clv_function(name) -%}
    {%- if execute -%}
        {%- set found = run_query("show user functions like '" ~ name ~ "'") -%}
        {%- if found.rows | length == 0 -%}
            {{ exceptions.raise_compiler_error(
                "The CLV function " ~ name ~ " is not registered in this Spark session: "
                ~ "build on Spark with `loyalty build --target spark`, which registers it "
                ~ "and then runs dbt"
            ) }}
        {%- endif -%}
    {%- endif -%}
    {{ return(name) }}
{%- endmacro %}
