{#- Raw referral offers, typed, each row with every problem it has (or none). -#}

with source as (
    select * from {{ source('raw', 'referral_offers') }}
),

customers as (
    select customer_id from {{ ref('stg_raw__customers') }}
),

typed as (
    select
        source_row_number,
        is_malformed_row,
        {{ clean_text('offer_id') }} as offer_id,
        {{ clean_text('customer_id') }} as customer_id,
        {{ clean_text('shared_at') }} as shared_at_text,
        {{ parse_timestamp('offered_at') }} as offered_at,
        {{ parse_timestamp('shared_at') }} as shared_at
    from source
),

checked as (
    select
        typed.*,
        customers.customer_id is not null as is_known_customer,
        row_number() over (
            partition by typed.offer_id order by typed.source_row_number
        ) as id_occurrence
    from typed
    left join customers on typed.customer_id = customers.customer_id
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
        ['duplicate_id', 'offer_id is not null and id_occurrence > 1'],
        ['unknown_customer', 'not is_known_customer'],
        ['invalid_timestamp',
            'offered_at is null or (shared_at_text is not null and shared_at is null)'],
        ['future_timestamp',
            is_future('offered_at') ~ ' or ' ~ is_future('shared_at')],
        ['shared_before_offered', 'shared_at < offered_at'],
    ]) }} as quarantine_reason
from checked
