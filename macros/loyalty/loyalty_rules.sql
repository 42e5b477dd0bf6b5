{#- Survey and loyalty rules of docs/marts.md, written once. -#}

{#- NPS category of a 0-10 score: promoter 9-10, passive 7-8, detractor 0-6. -#}
{% macro nps_category(score) -%}
    case
        when {{ score }} >= 9 then 'promoter'
        when {{ score }} >= 7 then 'passive'
        when {{ score }} >= 0 then 'detractor'
    end
{%- endmacro %}


{#- responses, promoters, passives and detractors among the rows counted, from a
    column holding the NPS category (null rows are not NPS answers). -#}
{% macro nps_counts(category_column) -%}
    count({{ category_column }}) as responses,
    count(case when {{ category_column }} = 'promoter' then 1 end) as promoters,
    count(case when {{ category_column }} = 'passive' then 1 end) as passives,
    count(case when {{ category_column }} = 'detractor' then 1 end) as detractors
{%- endmacro %}


{#- NPS in points (-100 to 100) and its 95% interval, from counts:
    nps = 100 (P - D) / n; half-width = 196 sqrt((pP + pD - (pP - pD)^2) / n),
    the interval clipped to [-100, 100]. part: 'nps', 'low' or 'high'. -#}
{% macro nps(promoters, detractors, responses, part='nps') -%}
    {%- set p_p = safe_divide(promoters, responses) -%}
    {%- set p_d = safe_divide(detractors, responses) -%}
    {%- set point = '100.0 * (' ~ p_p ~ ' - ' ~ p_d ~ ')' -%}
    {%- set half = '196.0 * sqrt((' ~ p_p ~ ' + ' ~ p_d ~ ' - power(' ~ p_p ~ ' - ' ~ p_d
        ~ ', 2)) / nullif(' ~ responses ~ ', 0))' -%}
    {%- if part == 'nps' -%}
        {{ point }}
    {#- greatest / least skip nulls on DuckDB: guard the empty case explicitly -#}
    {%- elif part == 'low' -%}
        case when {{ responses }} > 0 then greatest(-100.0, {{ point }} - {{ half }}) end
    {%- else -%}
        case when {{ responses }} > 0 then least(100.0, {{ point }} + {{ half }}) end
    {%- endif -%}
{%- endmacro %}


{#- True when a date lies in the trailing loyalty window ending on as_of:
    the loyalty_window_days days up to and including as_of. -#}
{% macro in_loyalty_window(date_column, as_of) -%}
    ({{ date_column }} <= {{ as_of }}
    and {{ date_column }}
    > {{ dbt.dateadd('day', -1 * var('loyalty_window_days'), as_of) }})
{%- endmacro %}


{#- The loyalty ladder, checked in this order (first match wins):
    lapsed (churned purchaser), advocate (2+ purchases and recommended in the
    window), loyal (loyal_min_orders_12m+ purchases in the window), repeat (2+),
    first_time (1), prospect (none). -#}
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


{#- Dick and Basu's loyalty type: attitude = latest NPS answer in the window (high:
    promoter), patronage = high_patronage_min_orders_12m+ purchases in the window. -#}
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
