-- Every reason in quarantine is one of the documented reasons, and no row lists
-- the same reason twice: a typo in a base model's check would show up here.
{%- set known = [
    'missing_id', 'duplicate_id', 'unknown_customer', 'invalid_timestamp',
    'implausible_timestamp', 'future_timestamp', 'invalid_status', 'invalid_amount', 'negative_amount',
    'invalid_score', 'unknown_survey_type', 'shared_before_offered', 'malformed_row',
    'invalid_currency', 'no_exchange_rate', 'unknown_order', 'refund_exceeds_revenue',
] %}
{#- reason, with every known reason replaced by '' -#}
{%- set stripped = namespace(sql='reason') %}
{%- for known_reason in known %}
{%- set stripped.sql = "replace(" ~ stripped.sql ~ ", '" ~ known_reason ~ "', '')" %}
{%- endfor %}
{%- set without_known = stripped.sql %}

with quarantined as (
    select
        source_table,
        source_row_number,
        reason
    from {{ ref('quarantined_rows') }}
),

checked as (
    select
        source_table,
        source_row_number,
        reason,
        -- what is left once every known reason and the separators are taken out
        trim(replace(
            {{ without_known }},
            ',', ''
        )) as unknown_text,
        greatest(
            {%- for known_reason in known %}
            (length(reason) - length(replace(reason, '{{ known_reason }}', '')))
            / {{ known_reason | length }}{{ "," if not loop.last }}
            {%- endfor %}
        ) as most_mentions
    from quarantined
)

select * from checked
where unknown_text != '' or most_mentions > 1
