{#- on-run-start: check the project vars before anything runs, so a typo fails with
    one clear line instead of a cast error deep inside a model. -#}
{% macro validate_vars() %}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set errors = [] -%}

    {%- set as_of = var('as_of_date', none) -%}
    {%- if as_of and not modules.re.match('^\d{4}-\d{2}-\d{2}$', as_of | string) -%}
        {%- do errors.append("as_of_date must be a date as YYYY-MM-DD, got '" ~ as_of ~ "'") -%}
    {%- endif -%}

    {%- set shares_ok = namespace(value=true) -%}
    {%- for level in ['warn', 'error'] -%}
        {%- set share = var('quarantine_' ~ level ~ '_share') -%}
        {%- if share is not number or share < 0 or share > 1 -%}
            {%- set shares_ok.value = false -%}
            {%- do errors.append("quarantine_" ~ level ~ "_share must be a number in [0, 1], got '"
                ~ share ~ "'") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if shares_ok.value and var('quarantine_warn_share') > var('quarantine_error_share') -%}
        {%- do errors.append("quarantine_warn_share must not exceed quarantine_error_share") -%}
    {%- endif -%}

    {%- set churn = var('churn_after_days') -%}
    {%- set at_risk = var('at_risk_after_days') -%}
    {%- if churn is not number or churn < 31 -%}
        {%- do errors.append("churn_after_days must be a whole number of days >= 31, got '"
            ~ churn ~ "'") -%}
    {%- elif at_risk is not number or at_risk < 1 or at_risk >= churn -%}
        {%- do errors.append("at_risk_after_days must be >= 1 and below churn_after_days ("
            ~ churn ~ "), got '" ~ at_risk ~ "'") -%}
    {%- endif -%}

    {%- if errors -%}
        {{ exceptions.raise_compiler_error("Invalid vars: " ~ errors | join('; ')) }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}
