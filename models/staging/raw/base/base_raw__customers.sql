{#- Raw customers, typed, each row with every problem it has (or none), and
    whether its referrer is a staged customer. -#}

{%- set raw = source('raw', 'customers') %}

with source as {{ not_materialized() }} (
    select * from {{ raw }}
),

typed as (
    select
        source_row_number,
        is_malformed_row,
        {{ clean_text('customer_id') }} as customer_id,
        {{ clean_text('email') }} as email,
        upper({{ clean_text('country_code') }}) as country_code,
        lower({{ clean_text('acquisition_channel') }}) as acquisition_channel,
        {{ clean_text('referred_by_customer_id') }} as referred_by_customer_id,
        {{ raw_timestamp(raw, 'signed_up_at') }} as signed_up_at
    from source
),

repeated_ids as (
    {{ first_rows_of_repeated_ids('typed', 'customer_id') }}
),

numbered as (
    select
        typed.*,
        coalesce(typed.source_row_number > repeated_ids.first_row_number, false)
            as is_duplicate_id
    from typed
    left join repeated_ids on typed.customer_id = repeated_ids.customer_id
),

checked as (
    select
        source_row_number,
        is_malformed_row,
        customer_id,
        email,
        country_code,
        acquisition_channel,
        referred_by_customer_id,
        signed_up_at,
        {{ quarantine_reasons([
            ['missing_id', 'customer_id is null'],
            ['duplicate_id', 'is_duplicate_id'],
            ['invalid_timestamp', 'signed_up_at is null'],
            ['implausible_timestamp', is_implausible('signed_up_at')],
            ['future_timestamp', is_future('signed_up_at')],
        ]) }} as quarantine_reason
    from numbered
),

staged_ids as (
    select customer_id from checked
    where quarantine_reason is null
),

final as (
    -- a referrer that names no staged customer is an optional value gone wrong:
    -- the row stays, and the sign-up counts as nobody's referral
    select
        checked.source_row_number,
        checked.is_malformed_row,
        checked.customer_id,
        checked.email,
        checked.country_code,
        checked.acquisition_channel,
        checked.referred_by_customer_id,
        staged_ids.customer_id is not null as is_referred,
        checked.signed_up_at,
        checked.quarantine_reason
    from checked
    left join staged_ids on checked.referred_by_customer_id = staged_ids.customer_id
)

select * from final
