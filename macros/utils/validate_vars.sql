{% macro validate_vars() %}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set errors = [] -%}

    {%- for name in ['as_of_date', 'clv_calibration_end'] -%}
        {%- set value = var(name, none) -%}
        {%- if value and not modules.re.match('^\d{4}-\d{2}-\d{2}$', value | string) -%}
            {%- do errors.append(name ~ " must be a date as YYYY-MM-DD, got '" ~ value ~ "'") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set as_of = var('as_of_date', none) -%}
    {%- set calibration_end = var('clv_calibration_end', none) -%}
    {%- if as_of and calibration_end and calibration_end | string > as_of | string -%}
        {%- do errors.append("clv_calibration_end (" ~ calibration_end
            ~ ") must not be after as_of_date (" ~ as_of ~ ")") -%}
    {%- endif -%}
    {%- for name, low in [['clv_time_unit_days', 1], ['clv_horizon_days', 1]] -%}
        {%- set value = var(name) -%}
        {%- if value is not number or value < low -%}
            {%- do errors.append(name ~ " must be a number >= " ~ low ~ ", got '" ~ value ~ "'") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for name in ['loyalty_window_days', 'loyal_min_orders_12m',
                     'high_patronage_min_orders_12m'] -%}
        {%- set value = var(name) -%}
        {%- if value is not number or value < 1 -%}
            {%- do errors.append(name ~ " must be a number >= 1, got '" ~ value ~ "'") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set rate = var('clv_annual_discount_rate') -%}
    {%- if rate is not number or rate < 0 or rate >= 1 -%}
        {%- do errors.append("clv_annual_discount_rate must be a number in [0, 1), got '"
            ~ rate ~ "'") -%}
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

    {%- set lookback = var('incremental_lookback_days') -%}
    {%- if lookback is not number or lookback < 0 or lookback != lookback | int -%}
        {%- do errors.append("incremental_lookback_days must be a whole number of days >= 0, got '"
            ~ lookback ~ "'") -%}
    {%- endif -%}

    {%- if errors -%}
        {{ exceptions.raise_compiler_error("Invalid vars: " ~ errors | join('; ')) }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}
