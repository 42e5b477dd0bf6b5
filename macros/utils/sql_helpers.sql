{% macro month_starts(start_date, end_date) -%}
    {{ return(adapter.dispatch('month_starts', 'loyalty_warehouse')(start_date, end_date)) }}
{%- endmacro %}

{% macro default__month_starts(start_date, end_date) -%}
    select cast(month_start as date) as month_start_date
    from generate_series(
        cast({{ dbt.date_trunc('month', start_date) }} as timestamp),
        cast({{ dbt.date_trunc('month', end_date) }} as timestamp),
        interval '1 month'
    ) as months (month_start)
{%- endmacro %}


{% macro spark__month_starts(start_date, end_date) -%}
    select explode(sequence(
        cast({{ dbt.date_trunc('month', start_date) }} as date),
        cast({{ dbt.date_trunc('month', end_date) }} as date),
        interval 1 month
    )) as month_start_date
{%- endmacro %}


{% macro surrogate_key(columns) -%}
    md5(concat_ws('|'
        {%- for column in columns -%}
        , coalesce(cast({{ column }} as {{ dbt.type_string() }}), '')
        {%- endfor -%}
    ))
{%- endmacro %}


{% macro safe_divide(numerator, denominator) -%}
    cast({{ numerator }} as double) / nullif({{ denominator }}, 0)
{%- endmacro %}


{% macro month_series(start_month, end_month) -%}
    {{ return(adapter.dispatch('month_series', 'loyalty_warehouse')(start_month, end_month)) }}
{%- endmacro %}

{% macro default__month_series(start_month, end_month) -%}
    cast(unnest(generate_series(
        cast({{ start_month }} as timestamp),
        cast({{ end_month }} as timestamp),
        interval '1 month'
    )) as date)
{%- endmacro %}

{% macro spark__month_series(start_month, end_month) -%}
    explode(sequence(
        cast({{ start_month }} as date), cast({{ end_month }} as date), interval 1 month
    ))
{%- endmacro %}


{% macro cents(expression) -%}
    cast({{ expression }} as decimal(18, 2))
{%- endmacro %}


{% macro round_to_cents(expression) -%}
    cast(cast({{ expression }} as decimal(38, 6)) as decimal(38, 2))
{%- endmacro %}


{% macro datediff_bigint(first_date, second_date, datepart) -%}
    cast({{ dbt.datediff(first_date, second_date, datepart) }} as bigint)
{%- endmacro %}


{% macro not_materialized() -%}
    {{ return(adapter.dispatch('not_materialized', 'loyalty_warehouse')()) }}
{%- endmacro %}

{% macro default__not_materialized() -%}
{%- endmacro %}

{% macro duckdb__not_materialized() -%}
    not materialized
{%- endmacro %}


{% macro unknown_if_missing(column) -%}
    coalesce({{ column }}, 'unknown')
{%- endmacro %}


{% macro date_series(start_date, end_date) -%}
    {{ return(adapter.dispatch('date_series', 'loyalty_warehouse')(start_date, end_date)) }}
{%- endmacro %}

{% macro default__date_series(start_date, end_date) -%}
    unnest(generate_series(
        cast({{ start_date }} as timestamp),
        cast({{ end_date }} as timestamp) - interval 1 day,
        interval 1 day
    ))
{%- endmacro %}

{% macro spark__date_series(start_date, end_date) -%}
    explode(sequence(
        {{ start_date }}, date_sub({{ end_date }}, 1), interval 1 day
    ))
{%- endmacro %}


{% macro converted_to_cents(amount, rate) -%}
    {{ cents('cast(' ~ amount ~ ' as decimal(38, 4)) * ' ~ rate) }}
{%- endmacro %}
