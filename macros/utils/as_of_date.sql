{#- The date every "as of" rule uses, as a SQL date expression.
    The var as_of_date when set (YYYY-MM-DD), else the latest order date as computed
    once per build by stg_raw__as_of_date. -#}
{% macro as_of_date() -%}
    {%- set value = var('as_of_date', none) -%}
    {%- if value -%}
        cast('{{ value }}' as date)
    {%- else -%}
        (select as_of_date from {{ ref('stg_raw__as_of_date') }})
    {%- endif -%}
{%- endmacro %}


{#- End of the CLV calibration period: the var clv_calibration_end when set, else the
    as-of date. Transactions after it (up to the as-of date) are the holdout. -#}
{% macro clv_calibration_end() -%}
    {%- set value = var('clv_calibration_end', none) -%}
    {%- if value -%}
        cast('{{ value }}' as date)
    {%- else -%}
        {{ as_of_date() }}
    {%- endif -%}
{%- endmacro %}
