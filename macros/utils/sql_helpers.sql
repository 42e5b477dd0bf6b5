{#- One row per calendar month, `month_start_date` from the month of start_date to
    the month of end_date (both SQL date expressions), inclusive. -#}
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


{#- A stable text key from several columns (what dbt_utils.generate_surrogate_key
    does): md5 of the values joined by '|', nulls as an empty string. -#}
{% macro surrogate_key(columns) -%}
    md5(concat_ws('|'
        {%- for column in columns -%}
        , coalesce(cast({{ column }} as {{ dbt.type_string() }}), '')
        {%- endfor -%}
    ))
{%- endmacro %}


{#- numerator / denominator as a float, null when the denominator is 0 or null. -#}
{% macro safe_divide(numerator, denominator) -%}
    cast({{ numerator }} as double) / nullif({{ denominator }}, 0)
{%- endmacro %}


{#- A select-list column that repeats its row once per month from start_month to
    end_month (month-start dates, inclusive), holding each month's start date. -#}
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


{#- An amount of money as decimal(38, 2), rounded to the cent the same way on every
    engine: to six decimals first, then half away from zero. DuckDB divides and
    averages decimals as doubles and Spark keeps them exact; without the first step
    a double's binary error (38.285 held as 38.28499...) rounds a half cent down on
    one engine and up on the other. -#}
{% macro round_to_cents(expression) -%}
    cast(cast({{ expression }} as decimal(38, 6)) as decimal(38, 2))
{%- endmacro %}


{#- dbt.datediff as a bigint on every engine (Spark's is an int), for the columns
    whose contracts say bigint. -#}
{% macro datediff_bigint(first_date, second_date, datepart) -%}
    cast({{ dbt.datediff(first_date, second_date, datepart) }} as bigint)
{%- endmacro %}
