-- Every reason in quarantine is one of the documented reasons, and no row lists
-- the same reason twice: a typo in a base model's check would show up here.
with reasons as (
    select
        source_table,
        source_row_number,
        unnest(string_split(reason, ', ')) as reason
    from {{ ref('quarantined_rows') }}
),

known as (
    select unnest([
        'missing_id', 'duplicate_id', 'unknown_customer', 'invalid_timestamp',
        'future_timestamp', 'invalid_status', 'invalid_amount', 'negative_amount',
        'invalid_score', 'unknown_survey_type', 'shared_before_offered',
        'malformed_row'
    ]) as reason
),

unknown_reasons as (
    select
        reasons.source_table,
        reasons.source_row_number,
        reasons.reason,
        'unknown reason' as problem
    from reasons
    left join known on reasons.reason = known.reason
    where known.reason is null
),

repeated_reasons as (
    select
        source_table,
        source_row_number,
        reason,
        'reason listed twice' as problem
    from reasons
    group by all
    having count(*) > 1
)

select * from unknown_reasons
union all
select * from repeated_reasons
