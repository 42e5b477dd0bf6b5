{#- dbt's own macro, overridden: a data test's `where` config may name
    __incremental_window_start__, the first date the tested incremental model
    re-derived in its last build (as its post-hook recorded it in incremental_builds),
    written as a literal date so that the filter reaches the table scan.

    For tests that only need the re-derived rows: a key that contains the model's
    partition column (month_start_date), for instance. A daily build then tests the
    months it rebuilt, the months before being unchanged since the build that tested
    them; a full build (window start 0001-01-01) tests every row. -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if not where -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- if '__incremental_window_start__' in where -%}
        {%- set where = where | replace(
            '__incremental_window_start__', recorded_window_start(relation)
        ) -%}
    {%- endif -%}
    {{ return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') }}
{%- endmacro %}


{#- The window start the model of this relation was last built with, as a SQL date;
    the earliest date when it has no record (every row is tested). -#}
{% macro recorded_window_start(relation) -%}
    {%- set everything = "date '0001-01-01'" -%}
    {%- if not execute -%}
        {{ return(everything) }}
    {%- endif -%}
    {%- set lookup -%}
        select window_start_date
        from {{ incremental_builds_relation() }}
        where model_name = '{{ relation.identifier }}'
    {%- endset -%}
    {%- set recorded = run_query(lookup).columns[0].values() -%}
    {%- if recorded | length == 0 or recorded[0] is none -%}
        {{ return(everything) }}
    {%- endif -%}
    {{ return("date '" ~ recorded[0] ~ "'") }}
{%- endmacro %}
