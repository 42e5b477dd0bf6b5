{#- Incremental models (a daily build adds a day of data and moves the as-of date).

    Each incremental model re-derives only the rows dated on or after its window
    start and keeps the rest as it was:

        window start = the earlier of this build's as-of date and the as-of date the
                       model was last built with, minus var incremental_lookback_days

    so the day (or days) since the model's last build, and the lookback for
    late-arriving rows, are always rebuilt, even when builds were skipped or the
    as-of date moved back. The as-of date a model was built with is recorded by its
    post-hook (record_incremental_build) in the table incremental_builds, one row per
    model, so a failed or partly selected build does not move another model's window.
    Rows dated before the window are taken as final: if older data changed, run
    `dbt build --full-refresh`. -#}


{#- The table of the as-of date each incremental model was last built with. -#}
{% macro incremental_builds_relation() -%}
    {{ return(api.Relation.create(
        database=target.database, schema='intermediate',
        identifier='incremental_builds', type='table'
    )) }}
{%- endmacro %}


{#- on-run-start: create the table incremental_builds when missing. -#}
{% macro create_incremental_builds() %}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- do adapter.create_schema(incremental_builds_relation()) -%}
    {%- do run_query(
        'create table if not exists ' ~ incremental_builds_relation() ~ ' ('
        ~ 'model_name varchar primary key, as_of_date date, '
        ~ 'window_start_date date, built_at timestamp not null)'
    ) -%}
{% endmacro %}


{#- The first date this model re-derives, as a SQL date. A full build (first
    build, or --full-refresh) re-derives everything: the earliest date. Looked up
    once when the model runs and written as a literal: a filter on a literal date
    skips the table's unchanged row groups, one on a subquery reads them all. -#}
{% macro incremental_window_start() -%}
    {%- if is_incremental() -%}
        {%- set lookup -%}
            select coalesce(
                cast(least(max(as_of_date), {{ as_of_date() }}) as date)
                - {{ var('incremental_lookback_days') }},
                date '0001-01-01'
            )
            from {{ incremental_builds_relation() }}
            where model_name = '{{ this.identifier }}'
        {%- endset -%}
        {%- if execute -%}
            date '{{ run_query(lookup).columns[0].values()[0] }}'
        {%- else -%}
            ({{ lookup }})
        {%- endif -%}
    {%- else -%}
        date '0001-01-01'
    {%- endif -%}
{%- endmacro %}


{#- The first month this model re-derives (month grain: the window start's month). -#}
{% macro incremental_window_start_month() -%}
    cast({{ dbt.date_trunc('month', incremental_window_start()) }} as date)
{%- endmacro %}


{#- The month before that: models that need the previous month (a lag, a carry-in)
    read from it. A date, so that filters on date columns reach the table scan. -#}
{% macro incremental_window_previous_month() -%}
    cast({{ dbt.dateadd('month', -1, incremental_window_start_month()) }} as date)
{%- endmacro %}


{#- pre-hook: remove the rows the model is about to re-derive.
    where: the condition on the model's rows, e.g.
    "month_start_date >= " ~ incremental_window_start_month(). -#}
{% macro delete_incremental_window(where) -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ where }}
    {%- endif -%}
{%- endmacro %}


{#- post-hook: record the as-of date (and window) this model was built with. -#}
{% macro record_incremental_build() -%}
    insert or replace into {{ incremental_builds_relation() }}
    select
        '{{ this.identifier }}' as model_name,
        {{ as_of_date() }} as as_of_date,
        {{ incremental_window_start() }} as window_start_date,
        current_timestamp as built_at
{%- endmacro %}


{#- Base models: the raw rows an incremental build re-derives, by their timestamp:
    those dated on or after the window start, and those without a valid timestamp
    (few, and quarantined each build). Also the pre-hook's condition. -#}
{% macro in_incremental_window(timestamp_column) -%}
    {%- if is_incremental() -%}
        ({{ timestamp_column }} is null
        or cast({{ timestamp_column }} as date) >= {{ incremental_window_start() }})
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}


{#- Models whose rows depend on a customer's whole history (order numbers, the
    previous and next purchase): an incremental build re-derives every row of the
    customers with a row dated in the window, upstream (new rows) or in the model
    itself (rows that may be gone, e.g. when the as-of date moved back).

    pre-hook: note those customers in a temporary table, and delete their rows.
    relation, date_column, where: upstream, its date and any filter on its rows;
    own_date_column: the model's date column (default: date_column); days_before:
    widen the window for rules that reach that far back. -#}
{% macro delete_incremental_customers(
    relation, date_column, where='true', own_date_column=none, days_before=0
) -%}
    {%- if is_incremental() -%}
        {%- set start = incremental_window_start() ~ ' - ' ~ days_before -%}
        create or replace temp table {{ this.identifier }}__customers as
        select customer_id from {{ this }}
        where {{ own_date_column or date_column }} >= {{ start }}
        union
        select customer_id from {{ relation }}
        where {{ date_column }} >= {{ start }} and ({{ where }});
        delete from {{ this }}
        where customer_id in (select customer_id from {{ this.identifier }}__customers)
    {%- endif -%}
{%- endmacro %}


{#- Those customers, as a subquery, for the model's own SQL. -#}
{% macro incremental_customers() -%}
    (select customer_id from {{ this.identifier }}__customers)
{%- endmacro %}
