{#- Raw exchange rates, typed, each row with every problem it has (or none). A row
    is keyed by its currency and date: a second row for the pair is a duplicate_id. -#}

{%- set raw = source('raw', 'exchange_rates') %}

with source as {{ not_materialized() }} (
    select * from {{ raw }}
),

currencies as (
    select currency from {{ ref('currencies') }}
),

typed as (
    select
        source_row_number,
        is_malformed_row,
        upper({{ clean_text('currency') }}) as currency,
        {{ raw_date(raw, 'rate_date') }} as rate_date,
        {{ raw_is_missing(raw, 'rate_date') }} as is_rate_date_missing,
        {{ raw_number(raw, 'rate_to_reporting', 'decimal(18, 8)') }} as rate_to_reporting
    from source
),

keyed as (
    select
        *,
        case
            when currency is not null and rate_date is not null
                then concat(currency, ' ', cast(rate_date as {{ dbt.type_string() }}))
        end as rate_key
    from typed
),

repeated_ids as (
    {{ first_rows_of_repeated_ids('keyed', 'rate_key') }}
),

checked as (
    select
        keyed.*,
        currencies.currency is not null as is_valid_currency,
        coalesce(keyed.source_row_number > repeated_ids.first_row_number, false)
            as is_duplicate_id
    from keyed
    left join currencies on keyed.currency = currencies.currency
    left join repeated_ids on keyed.rate_key = repeated_ids.rate_key
)

select
    source_row_number,
    is_malformed_row,
    rate_key,
    currency,
    rate_date,
    rate_to_reporting,
    {{ quarantine_reasons([
        ['missing_id', 'currency is null or is_rate_date_missing'],
        ['duplicate_id', 'is_duplicate_id'],
        ['invalid_timestamp', 'rate_date is null and not is_rate_date_missing'],
        ['implausible_timestamp',
            "rate_date < cast('" ~ var('min_plausible_date') ~ "' as date)"],
        ['invalid_currency', 'currency is not null and not is_valid_currency'],
        ['invalid_amount', 'rate_to_reporting is null or rate_to_reporting = 0'],
        ['negative_amount', 'rate_to_reporting < 0'],
    ]) }} as quarantine_reason
from checked
