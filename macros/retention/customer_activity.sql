{#- The activity rules of docs/marts.md (churn, after "Predictive CLV"), written once. -#}

{% macro churn_date_after(purchase_date) -%}
    {{ dbt.dateadd('day', var('churn_after_days'), purchase_date) }}
{%- endmacro %}


{% macro customer_month_rules() -%}
    {{ return({
        'churn_after_days': var('churn_after_days'),
        'at_risk_after_days': var('at_risk_after_days'),
        'loyalty_window_days': var('loyalty_window_days'),
        'loyal_min_orders_12m': var('loyal_min_orders_12m'),
    }) }}
{%- endmacro %}


{% macro customer_status(last_purchase_date, as_of) -%}
    case
        when {{ last_purchase_date }} is null then 'prospect'
        when {{ dbt.datediff(last_purchase_date, as_of, 'day') }}
            >= {{ var('churn_after_days') }} then 'churned'
        when {{ dbt.datediff(last_purchase_date, as_of, 'day') }}
            >= {{ var('at_risk_after_days') }} then 'at_risk'
        else 'active'
    end
{%- endmacro %}


{% macro quintile_score(value, descending=false) -%}
    cast(1 + floor(
        5.0 * (rank() over (order by {{ value }} {{ 'desc' if descending else 'asc' }}) - 1)
        / count(*) over ()
    ) as integer)
{%- endmacro %}
