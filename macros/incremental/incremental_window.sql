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


{% macro incremental_window_everything() -%}
    {{ return("date '0001-01-01'") }}
{%- endmacro %}
