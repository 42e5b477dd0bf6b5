{#- Daily builds: an incremental model re-derives whole months from its window start
    on and keeps the months before as they are (dbt's delete+insert on DuckDB,
    insert_overwrite on Spark, both on the model's month_start_date).

        window start = the first day of the month of
                       (the latest date the model's own table holds, or this
                        build's as-of date if earlier)
                       - var incremental_lookback_days

    so the days since the model was last built, and a lookback for late rows, are
    rebuilt however many builds were skipped. A full build re-derives every month.

    latest_date_column: the model's column whose maximum is the last date it holds;
    for the as-of date it was built with, that is at most that date plus
    days_after_as_of. A table holding a later date than that allows for this build's
    as-of date means the as-of date moved back: the months after it cannot be taken
    out by replacing months, so the build stops and asks for a full refresh.

    rules: for a model whose kept months depend on vars (the churn and loyalty
    rules), {var name: value}, each recorded by the model in a column of that name;
    when the table was built with other values, every month is re-derived.

    compare: rows updated in place (macro earliest_changed_month): the window starts
    no later than the earliest month before it whose input rows changed since the
    table was built (unless var incremental_compare_kept_months is false, for
    inputs that only grow). Returns a SQL date literal:
    incremental_window_everything() when every month is re-derived (a full build, an
    empty table, changed rules). -#}
{% macro incremental_window_start(latest_date_column, days_after_as_of=0, rules={}, compare=none) -%}
    {%- set everything = incremental_window_everything() -%}
    {%- if not (execute and is_incremental()) -%}
        {{ return(everything) }}
    {%- endif -%}
    {%- set columns = ["cast(max(" ~ latest_date_column ~ ") as date)"] -%}
    {%- for name in rules -%}
        {%- do columns.append("min(" ~ name ~ ")") -%}
        {%- do columns.append("max(" ~ name ~ ")") -%}
    {%- endfor -%}
    {%- set found = run_query("select " ~ columns | join(", ") ~ " from " ~ this).rows[0] -%}
    {%- set as_of = run_query("select " ~ as_of_date()).columns[0].values()[0] -%}
    {%- set latest = found[0] -%}
    {%- if latest is none -%}
        {{ return(everything) }}
    {%- endif -%}
    {%- if (latest - modules.datetime.timedelta(days=days_after_as_of)) > as_of -%}
        {{ exceptions.raise_compiler_error(
            this ~ " holds " ~ latest_date_column ~ " " ~ latest ~ ", after this build's as-of "
            ~ "date " ~ as_of ~ ": the as-of date moved back. Run `dbt build --full-refresh` "
            ~ "to rebuild as of " ~ as_of ~ "."
        ) }}
    {%- endif -%}
    {%- for name, value in rules.items() -%}
        {%- set built = [found[2 * loop.index - 1], found[2 * loop.index]] -%}
        {%- if built[0] != value or built[1] != value -%}
            {{ log(this.identifier ~ ": rebuilding every month, as its rules changed ("
                   ~ name ~ " " ~ built[1] ~ " -> " ~ value ~ ")", info=true) }}
            {{ return(everything) }}
        {%- endif -%}
    {%- endfor -%}
    {%- set start = [latest, as_of] | min
        - modules.datetime.timedelta(days=var('incremental_lookback_days')) -%}
    {%- set start = "date '" ~ start.replace(day=1).isoformat() ~ "'" -%}
    {%- if compare and var('incremental_compare_kept_months', true) -%}
        {%- set changed = earliest_changed_month(compare, start) -%}
        {%- if changed -%}
            {{ return(changed) }}
        {%- endif -%}
    {%- endif -%}
    {{ return(start) }}
{%- endmacro %}


{#- The window start of a build that re-derives every month: before any data. A
    model that reads its own table's month before the window skips that read then
    (on Spark, a partition filter on the month before it fails in the metastore). -#}
{% macro incremental_window_everything() -%}
    {{ return("date '0001-01-01'") }}
{%- endmacro %}
