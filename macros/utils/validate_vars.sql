{#- The vars checked before anything runs (on-run-start): every problem one line. The
    checks that need the data (the as-of date against the raw events, the calibration
    end against the default as-of date) are in base_raw__as_of_date. -#}

{% macro validate_vars() %}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set errors = [] -%}

    {%- for name in ['as_of_date', 'clv_calibration_end', 'min_plausible_date'] -%}
        {%- set value = var(name, none) -%}
        {%- if value is not none and not is_calendar_date(value) -%}
            {%- do errors.append(name ~ " must be a real calendar date as YYYY-MM-DD, got '"
                ~ value ~ "'") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set as_of = var('as_of_date', none) -%}
    {%- set calibration_end = var('clv_calibration_end', none) -%}
    {%- if as_of and calibration_end and calibration_end | string > as_of | string -%}
        {%- do errors.append("clv_calibration_end (" ~ calibration_end
            ~ ") must not be after as_of_date (" ~ as_of ~ ")") -%}
    {%- endif -%}

    {%- for name, low in [
        ['clv_time_unit_days', 1], ['clv_horizon_days', 1], ['loyalty_window_days', 1],
        ['loyal_min_orders_12m', 1], ['high_patronage_min_orders_12m', 1],
        ['incremental_lookback_days', 0], ['raw_csv_max_line_mb', 1],
    ] -%}
        {%- set value = var(name) -%}
        {%- if not is_whole_number(value) or value < low -%}
            {%- do errors.append(name ~ " must be a whole number >= " ~ low ~ ", got '"
                ~ value ~ "'") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set rate = var('clv_annual_discount_rate') -%}
    {%- if rate is not number or rate is boolean or rate < 0 or rate >= 1 -%}
        {%- do errors.append("clv_annual_discount_rate must be a number in [0, 1), got '"
            ~ rate ~ "'") -%}
    {%- endif -%}

    {%- set shares_ok = namespace(value=true) -%}
    {%- for level in ['warn', 'error'] -%}
        {%- set share = var('quarantine_' ~ level ~ '_share') -%}
        {%- if share is not number or share is boolean or share < 0 or share > 1 -%}
            {%- set shares_ok.value = false -%}
            {%- do errors.append("quarantine_" ~ level ~ "_share must be a number in [0, 1], got '"
                ~ share ~ "'") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if shares_ok.value and var('quarantine_warn_share') > var('quarantine_error_share') -%}
        {%- do errors.append("quarantine_warn_share must not exceed quarantine_error_share") -%}
    {%- endif -%}
    {%- set drop = var('publish_max_raw_drop_share') -%}
    {%- if drop is not number or drop is boolean or drop < 0 or drop > 1 -%}
        {%- do errors.append("publish_max_raw_drop_share must be a number in [0, 1], got '"
            ~ drop ~ "'") -%}
    {%- endif -%}

    {%- set churn = var('churn_after_days') -%}
    {%- set at_risk = var('at_risk_after_days') -%}
    {%- if not is_whole_number(churn) or churn < 31 -%}
        {%- do errors.append("churn_after_days must be a whole number of days >= 31, got '"
            ~ churn ~ "'") -%}
    {%- elif not is_whole_number(at_risk) or at_risk < 1 or at_risk >= churn -%}
        {%- do errors.append("at_risk_after_days must be a whole number of days >= 1 and "
            ~ "below churn_after_days (" ~ churn ~ "), got '" ~ at_risk ~ "'") -%}
    {%- endif -%}

    {%- set currency = var('reporting_currency') -%}
    {%- if currency is not string or not modules.re.match('^[A-Z]{3}$', currency) -%}
        {%- do errors.append("reporting_currency must be an ISO 4217 code of three capital "
            ~ "letters (USD, EUR, JPY), got '" ~ currency ~ "'") -%}
    {%- endif -%}

    {%- for name in ['reporting_timezone', 'raw_timezone'] -%}
        {%- set zone = var(name) -%}
        {%- if zone is not string or zone not in modules.pytz.all_timezones -%}
            {%- do errors.append(name ~ " must be an IANA time zone name (UTC, "
                ~ "Europe/Berlin, America/New_York), got '" ~ zone ~ "'") -%}
        {%- endif -%}
    {%- endfor -%}

    {%- do errors.extend(identifier_var_errors()) -%}

    {%- if errors -%}
        {{ exceptions.raise_compiler_error("Invalid vars: " ~ errors | join('; ')) }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}


{% macro identifier_var_errors() -%}
    {%- set errors = [] -%}
    {%- set names = {} -%}
    {%- for layer in ['raw_views', 'staging', 'intermediate', 'marts', 'quarantine', 'semantic'] -%}
        {%- do names.update({'loyalty_' ~ layer ~ '_schema': var('loyalty_' ~ layer ~ '_schema', none)}) -%}
    {%- endfor -%}
    {%- for name in ['loyalty_raw_database', 'loyalty_raw_schema'] -%}
        {%- do names.update({name: var(name, none)}) -%}
    {%- endfor -%}
    {%- for table, spec in var('raw_tables').items() -%}
        {%- do names.update({'raw_tables (table)': table}) if not is_plain_identifier(table) -%}
        {%- for column in spec.required_columns + spec.get('optional_columns', []) -%}
            {%- do names.update({'raw_tables.' ~ table: column}) if not is_plain_identifier(column) -%}
        {%- endfor -%}
        {%- for suffix in ['identifier', 'loaded_at_field'] -%}
            {%- set name = 'loyalty_raw_' ~ table ~ '_' ~ suffix -%}
            {%- do names.update({name: var(name, none)}) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for table, columns in var('loyalty_raw_column_map', {}).items() -%}
        {%- for column in columns.values() -%}
            {%- do names.update({'loyalty_raw_column_map.' ~ table: column})
                if not is_plain_identifier(column) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for name, value in names.items() if value is not none -%}
        {%- if not is_plain_identifier(value) -%}
            {%- do errors.append(name ~ " must be a plain identifier (letters, digits and "
                ~ "underscores, not starting with a digit), got '" ~ value ~ "'") -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(errors) }}
{%- endmacro %}


{% macro is_plain_identifier(value) -%}
    {{ return(value is string and modules.re.match('^[A-Za-z_][A-Za-z0-9_]*$', value) is not none) }}
{%- endmacro %}


{% macro is_whole_number(value) -%}
    {{ return(value is number and value is not boolean and value == value | int) }}
{%- endmacro %}


{% macro is_calendar_date(value) -%}
    {%- set found = modules.re.match('^(\d{4})-(\d{2})-(\d{2})$', value | string) -%}
    {%- if not found -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set year, month, day = found.group(1) | int, found.group(2) | int, found.group(3) | int -%}
    {%- if year < 1 or month < 1 or month > 12 or day < 1 -%}
        {{ return(false) }}
    {%- endif -%}
    {%- if month == 12 -%}
        {{ return(day <= 31) }}
    {%- endif -%}
    {%- set next_month = modules.datetime.date(year, month + 1, 1) -%}
    {{ return(day <= (next_month - modules.datetime.timedelta(days=1)).day) }}
{%- endmacro %}
