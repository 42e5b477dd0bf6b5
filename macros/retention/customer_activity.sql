{#- The activity rules of docs/marts.md (churn, after "Predictive CLV"), written once. -#}

{#- The day a purchaser churns when no purchase comes before it. -#}
{% macro churn_date_after(purchase_date) -%}
    {{ dbt.dateadd('day', var('churn_after_days'), purchase_date) }}
{%- endmacro %}


{#- The vars a customer's kept months depend on, {name: value}: fct_customer_months
    records them in every row and rebuilds every month when they change. -#}
{% macro customer_month_rules() -%}
    {%- set rules = {} -%}
    {%- for name in [
        'churn_after_days', 'at_risk_after_days', 'loyalty_window_days',
        'loyal_min_orders_12m',
    ] -%}
        {%- do rules.update({name: var(name)}) -%}
    {%- endfor -%}
    {{ return(rules) }}
{%- endmacro %}


{#- Status as of a date: prospect (no purchase), active, at_risk (days since last
    purchase >= at_risk_after_days) or churned (>= churn_after_days). -#}
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


{#- RFM score 1-5 by quintile of a value among the rows of the query (5 = highest
    value, or lowest with descending=true). Ties share the lower score, so equal
    values always get equal scores and the result is deterministic. -#}
{% macro quintile_score(value, descending=false) -%}
    cast(1 + floor(
        5.0 * (rank() over (order by {{ value }} {{ 'desc' if descending else 'asc' }}) - 1)
        / count(*) over ()
    ) as integer)
{%- endmacro %}
