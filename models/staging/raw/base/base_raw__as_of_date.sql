{{ config(materialized='table') }}

{#- One row: the date every "as of" rule of this build uses (macro as_of_date),
    and where it came from. In order:
      1. the var as_of_date;
      2. the latest order date, ignoring orders dated after the build's own clock
         (clock errors such as 2099 would otherwise move the whole build);
      3. with no dated order at all, the latest date of any other raw timestamp
         (sign-ups, survey answers, referral offers and shares), likewise;
      4. with none either, the build's own date.
    The dates are looked up when the model runs, written as literals, and the
    choice is said in one log line.

    It is the first model a build runs: the vars that only make sense against the
    data are checked here, each refused in one line. A given as_of_date must lie
    between the first raw event and churn_after_days after the last (before, every
    row would be in the future; long after, every purchaser churned), and
    clv_calibration_end must not be after the as-of date. -#}

{#- the build's own date in the shop's time zone, as every raw date is read (a zone
    that is not one is refused at run start, macro validate_vars) -#}
{%- set zone = var('reporting_timezone') -%}
{%- set run_date = run_started_at.astimezone(modules.pytz.timezone(
    zone if zone in modules.pytz.all_timezones else 'UTC')).strftime("%Y-%m-%d") -%}
{%- set orders = source('raw', 'orders') -%}
{%- set other_timestamps = [
    [source('raw', 'customers'), 'signed_up_at'],
    [source('raw', 'survey_responses'), 'responded_at'],
    [source('raw', 'referral_offers'), 'offered_at'],
    [source('raw', 'referral_offers'), 'shared_at'],
] -%}


{%- set latest_order_date = none -%}
{%- set as_of = var('as_of_date', none) -%}
{%- set as_of_source = 'var as_of_date' -%}
{#- (the raw views exist only in a build: they are made by its on-run-start hook) -#}
{%- if execute and load_relation(orders) is not none -%}
    {%- set latest_order_date = run_query(raw_event_dates_sql([[orders, 'ordered_at']], run_date))
        .rows[0]['last_event_date'] -%}
    {%- if as_of -%}
        {%- do check_as_of_date_against_events(
            as_of, [[orders, 'ordered_at']] + other_timestamps, run_date
        ) -%}
    {%- elif latest_order_date -%}
        {%- set as_of = latest_order_date -%}
        {%- set as_of_source = 'latest order date' -%}
    {%- else -%}
        {%- set as_of = run_query(raw_event_dates_sql(other_timestamps, run_date))
            .rows[0]['last_event_date'] -%}
        {%- set as_of_source = 'latest raw timestamp (no dated orders)' -%}
        {%- if not as_of -%}
            {%- set as_of = run_date -%}
            {%- set as_of_source = 'build date (no dated raw rows)' -%}
        {%- endif -%}
    {%- endif -%}
    {%- set calibration_end = var('clv_calibration_end', none) -%}
    {%- if calibration_end and calibration_end | string > as_of | string -%}
        {{ exceptions.raise_compiler_error(
            "Invalid vars: clv_calibration_end (" ~ calibration_end ~ ") must not be after "
            ~ "the as-of date (" ~ as_of ~ ", the " ~ as_of_source ~ "): the holdout after "
            ~ "it would have no days; set it earlier, or leave it unset to calibrate on "
            ~ "everything"
        ) }}
    {%- endif -%}
    {{ log("As-of date " ~ as_of ~ " (" ~ as_of_source ~ ")", info=true) }}
{%- endif %}

select
    cast({{ "'" ~ as_of ~ "'" if as_of else 'null' }} as date) as as_of_date,
    '{{ as_of_source }}' as as_of_date_source,
    cast({{ "'" ~ latest_order_date ~ "'" if latest_order_date else 'null' }} as date)
        as latest_order_date
