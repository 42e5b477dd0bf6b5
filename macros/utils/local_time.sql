{#- The shop's day (docs/raw-data.md, "Money and the shop's day"): UTC timestamps as
    local dates of var reporting_timezone, and raw wall times of var raw_timezone as
    UTC timestamps. -#}

{% macro local_date(utc_timestamp) -%}
    cast({{ local_timestamp(utc_timestamp) }} as date)
{%- endmacro %}


{% macro local_timestamp(utc_timestamp) -%}
    {%- set zone = var('reporting_timezone') -%}
    {%- if zone == 'UTC' -%}
        {{ utc_timestamp }}
    {%- else -%}
        {{ return(adapter.dispatch('utc_to_local', 'loyalty_warehouse')(utc_timestamp, zone)) }}
    {%- endif -%}
{%- endmacro %}

{#- DuckDB (ICU): the naive UTC timestamp taken as an instant, shown in the zone. -#}
{% macro default__utc_to_local(utc_timestamp, zone) -%}
    timezone({{ sql_string(zone) }}, timezone('UTC', {{ utc_timestamp }}))
{%- endmacro %}

{% macro spark__utc_to_local(utc_timestamp, zone) -%}
    from_utc_timestamp({{ utc_timestamp }}, {{ sql_string(zone) }})
{%- endmacro %}


{% macro raw_wall_time_to_utc(wall_time) -%}
    {%- set zone = var('raw_timezone') -%}
    {%- if zone == 'UTC' -%}
        {{ wall_time }}
    {%- else -%}
        {{ return(adapter.dispatch('raw_wall_time_to_utc', 'loyalty_warehouse')(wall_time, zone)) }}
    {%- endif -%}
{%- endmacro %}

{% macro default__raw_wall_time_to_utc(wall_time, zone) -%}
    {{ duckdb_first_occurrence(
        utc_timestamp('timezone(' ~ sql_string(zone) ~ ', ' ~ wall_time ~ ')'),
        wall_time,
        sql_string(zone)
    ) }}
{%- endmacro %}

{% macro spark__raw_wall_time_to_utc(wall_time, zone) -%}
    to_utc_timestamp({{ wall_time }}, {{ sql_string(zone) }})
{%- endmacro %}
