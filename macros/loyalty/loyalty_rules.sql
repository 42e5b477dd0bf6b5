{#- Survey and loyalty rules of docs/marts.md, written once. -#}

{% macro nps_category(score) -%}
    case
        when {{ score }} >= 9 then 'promoter'
        when {{ score }} >= 7 then 'passive'
        when {{ score }} >= 0 then 'detractor'
    end
{%- endmacro %}


{% macro nps_counts(category_column) -%}
    count({{ category_column }}) as responses,
    count(case when {{ category_column }} = 'promoter' then 1 end) as promoters,
    count(case when {{ category_column }} = 'passive' then 1 end) as passives,
    count(case when {{ category_column }} = 'detractor' then 1 end) as detractors
{%- endmacro %}


{% macro nps_columns(promoters, detractors, responses) -%}
    {%- set p_p = safe_divide(promoters, responses) -%}
    {%- set p_d = safe_divide(detractors, responses) -%}
    {%- set point = '100.0 * (' ~ p_p ~ ' - ' ~ p_d ~ ')' -%}
    {%- set half = '196.0 * sqrt((' ~ p_p ~ ' + ' ~ p_d ~ ' - power(' ~ p_p ~ ' - ' ~ p_d
        ~ ', 2)) / nullif(' ~ responses ~ ', 0))' -%}
    {{ point }} as nps,
    {#- greatest / least skip nulls on DuckDB: guard the empty case explicitly #}
    case when {{ responses }} > 0 then greatest(-100.0, {{ point }} - {{ half }}) end
        as nps_ci_low,
    case when {{ responses }} > 0 then least(100.0, {{ point }} + {{ half }}) end
        as nps_ci_high
{%- endmacro %}


{% macro in_loyalty_window(date_column, as_of) -%}
    ({{ date_column }} <= {{ as_of }}
    and {{ date_column }}
    > {{ dbt.dateadd('day', -1 * var('loyalty_window_days'), as_of) }})
{%- endmacro %}


{% macro loyalty_stage(status, purchases, purchases_in_window, has_recommended_in_window) -%}
    case
        when coalesce({{ purchases }}, 0) = 0 then 'prospect'
        when {{ status }} = 'churned' then 'lapsed'
        when {{ purchases }} >= 2 and {{ has_recommended_in_window }} then 'advocate'
        when {{ purchases_in_window }} >= {{ var('loyal_min_orders_12m') }} then 'loyal'
        when {{ purchases }} >= 2 then 'repeat'
        else 'first_time'
    end
{%- endmacro %}


{% macro loyalty_type(latest_nps_score_in_window, purchases_in_window) -%}
    case
        when {{ latest_nps_score_in_window }} is null then 'unmeasured'
        when {{ latest_nps_score_in_window }} >= 9
            and {{ purchases_in_window }} >= {{ var('high_patronage_min_orders_12m') }}
            then 'true'
        when {{ latest_nps_score_in_window }} >= 9 then 'latent'
        when {{ purchases_in_window }} >= {{ var('high_patronage_min_orders_12m') }}
            then 'spurious'
        else 'none'
    end
{%- endmacro %}
