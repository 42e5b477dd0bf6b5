{#- Daily builds of the incremental models (int_orders_sequenced,
    int_survey_responses_categorised, int_customer_months_accumulated), as
    docs/daily-builds.md tells users. Each replaces whole months of its
    month_start_date with dbt's own strategy (delete+insert on DuckDB, insert_overwrite
    of month partitions on Spark: the shared config in dbt_project.yml): the months
    from incremental_window_start on, selected through with_month_markers. -#}


{% macro incremental_window_start(latest_date_column, days_after_as_of=0, rules={}, compared=none) -%}
    {%- set everything = incremental_window_everything() -%}
    {%- if not (execute and is_incremental()) -%}
        {{ return(everything) }}
    {%- endif -%}
    {%- set built = incremental_built_values(latest_date_column, rules) -%}
    {%- set latest = built['latest_date'] -%}
    {%- if latest is none -%}
        {{ return(everything) }}
    {%- endif -%}
    {%- set as_of_query %}
        select {{ as_of_date() }} as as_of_date
    {%- endset %}
    {%- set as_of = run_query(as_of_query).rows[0]['as_of_date'] -%}
    {%- if (latest - modules.datetime.timedelta(days=days_after_as_of)) > as_of -%}
        {{ exceptions.raise_compiler_error(
            this ~ " holds " ~ latest_date_column ~ " " ~ latest ~ ", after this build's as-of "
            ~ "date " ~ as_of ~ ": the as-of date moved back. Run `dbt build --full-refresh` "
            ~ "to rebuild as of " ~ as_of ~ "."
        ) }}
    {%- endif -%}
    {%- for name, value in rules.items() -%}
        {%- set lowest = built['lowest_' ~ name] -%}
        {%- set highest = built['highest_' ~ name] -%}
        {%- if lowest != value or highest != value -%}
            {{ log(this.identifier ~ ": rebuilding every month, as its rules changed ("
                   ~ name ~ " " ~ highest ~ " -> " ~ value ~ ")", info=true) }}
            {{ return(everything) }}
        {%- endif -%}
    {%- endfor -%}
    {%- set lookback = modules.datetime.timedelta(days=var('incremental_lookback_days')) -%}
    {%- set start_day = ([latest, as_of] | min - lookback).replace(day=1) -%}
    {%- set start %}date '{{ start_day.isoformat() }}'{%- endset %}
    {%- if compared and var('incremental_compare_kept_months', true) -%}
        {{ return(earliest_changed_month(compared, start) or start) }}
    {%- endif -%}
    {{ return(start) }}
{%- endmacro %}


{% macro incremental_window_everything() -%}
    {{ return("date '0001-01-01'") }}
{%- endmacro %}


{% macro incremental_built_values(latest_date_column, rules) -%}
    {%- set query %}
        select
            {%- for name in rules %}
            min({{ name }}) as lowest_{{ name }},
            max({{ name }}) as highest_{{ name }},
            {%- endfor %}
            cast(max({{ latest_date_column }}) as date) as latest_date
        from {{ this }}
    {%- endset %}
    {{ return(run_query(query).rows[0]) }}
{%- endmacro %}


{% macro earliest_changed_month(compared, before) -%}
    {%- set row_hash %}hash({{ compared['columns'] | join(', ') }}){%- endset %}
    {%- set query %}
        with input_months as (
            select
                month_start_date,
                count(*) as row_count,
                sum({{ row_hash }}) as row_hash_sum
            from ({{ compared['input_rows'] }}) as input_rows
            where month_start_date < {{ before }}
            group by month_start_date
        ),

        kept_months as (
            select
                month_start_date,
                count(*) as row_count,
                sum({{ row_hash }}) as row_hash_sum
            from ({{ compared['kept_rows'] }}) as kept_rows
            where month_start_date < {{ before }}
            group by month_start_date
        )

        select
            coalesce(input_months.month_start_date, kept_months.month_start_date)
                as month_start_date,
            coalesce(input_months.row_count, 0) as input_row_count,
            coalesce(kept_months.row_count, 0) as kept_row_count
        from input_months
        full outer join kept_months
            on input_months.month_start_date = kept_months.month_start_date
        where
            input_months.row_count is distinct from kept_months.row_count
            or input_months.row_hash_sum is distinct from kept_months.row_hash_sum
        order by 1
        limit 1
    {%- endset %}
    {%- set found = run_query(query).rows -%}
    {%- if found | length == 0 -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set changed = found[0] -%}
    {%- set month = changed['month_start_date'].isoformat()[:10] -%}
    {{ log(this.identifier ~ ": re-deriving from " ~ month ~ ", where input rows changed "
           ~ "since the last build (that month: " ~ changed['kept_row_count'] ~ " rows built, "
           ~ changed['input_row_count'] ~ " in the input now)", info=true) }}
    {%- set month_start %}date '{{ month }}'{%- endset %}
    {{ return(month_start) }}
{%- endmacro %}


{% macro with_month_markers(rows, window_start) -%}
    {%- if not (execute and is_incremental()) -%}
        select * from {{ rows }}
    {%- else -%}
        {%- set columns = adapter.get_columns_in_relation(this) -%}
        select
            {%- for column in columns %}
            {{ column.name }}{{ "," if not loop.last }}
            {%- endfor %}
        from {{ rows }}

        union all

        select
            {%- for column in columns %}
            {%- if column.name | lower == 'month_start_date' %}
            month_start_date{{ "," if not loop.last }}
            {%- else %}
            cast(null as {{ column.data_type }}) as {{ column.name }}{{ "," if not loop.last }}
            {%- endif %}
            {%- endfor %}
        from (
            select distinct month_start_date from {{ this }}
            where month_start_date >= {{ window_start }}
        ) as replaced_months
    {%- endif -%}
{%- endmacro %}
