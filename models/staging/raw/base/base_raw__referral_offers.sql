{#- Raw referral offers, typed, each row with every problem it has (or none). -#}

{%- set raw = source('raw', 'referral_offers') %}

with source as {{ not_materialized() }} (
    select * from {{ raw }}
),

customers as (
    -- the staged customers (stg_raw__customers): those with no quarantine reason
    select customer_id from {{ ref('base_raw__customers') }}
    where quarantine_reason is null
),

typed as (
    select
        source_row_number,
        is_malformed_row,
        {{ clean_text('offer_id') }} as offer_id,
        {{ clean_text('customer_id') }} as customer_id,
        {{ raw_is_missing(raw, 'shared_at') }} as is_shared_at_missing,
        {{ raw_timestamp(raw, 'offered_at') }} as offered_at,
        {{ raw_timestamp(raw, 'shared_at') }} as shared_at
    from source
),

repeated_ids as (
    {{ first_rows_of_repeated_ids('typed', 'offer_id') }}
),

checked as (
    select
        typed.*,
        customers.customer_id is not null as is_known_customer,
        coalesce(typed.source_row_number > repeated_ids.first_row_number, false)
            as is_duplicate_id
    from typed
    left join customers on typed.customer_id = customers.customer_id
    left join repeated_ids on typed.offer_id = repeated_ids.offer_id
)

select
    source_row_number,
    is_malformed_row,
    offer_id,
    customer_id,
    offered_at,
    shared_at,
    {{ quarantine_reasons([
        ['missing_id', 'offer_id is null'],
        ['duplicate_id', 'is_duplicate_id'],
        ['unknown_customer', 'not is_known_customer'],
        ['invalid_timestamp',
            'offered_at is null or (shared_at is null and not is_shared_at_missing)'],
        ['implausible_timestamp',
            is_implausible('offered_at') ~ ' or ' ~ is_implausible('shared_at')],
        ['future_timestamp',
            is_future('offered_at') ~ ' or ' ~ is_future('shared_at')],
        ['shared_before_offered', 'shared_at < offered_at'],
    ]) }} as quarantine_reason
from checked
