{#- Every raw row staging refused, once, with all its reasons. -#}

{%- set sources = [
    ['customers', 'base_raw__customers', 'customer_id'],
    ['orders', 'base_raw__orders', 'order_id'],
    ['survey_responses', 'base_raw__survey_responses', 'response_id'],
    ['referral_offers', 'base_raw__referral_offers', 'offer_id'],
    ['refunds', 'base_raw__refunds', 'refund_id'],
    ['exchange_rates', 'base_raw__exchange_rates', 'rate_key'],
] %}

with
{%- for source_table, base_model, id_column in sources %}
{{ source_table }} as (
    -- the raw JSON is built only here, for refused rows: the base tables stay lean
    select
        '{{ source_table }}' as source_table,
        refused.{{ id_column }} as record_id,
        refused.source_row_number,
        raw_rows.source_line_number,
        refused.quarantine_reason as reason,
        raw_rows.raw_record
    from {{ ref(base_model) }} as refused
    inner join {{ source('raw', source_table) }} as raw_rows
        on refused.source_row_number = raw_rows.source_row_number
    where refused.quarantine_reason is not null
),
{% endfor %}
unioned as (
    {%- for source_table, _, _ in sources %}
    select * from {{ source_table }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

final as (
    select
        *,
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as timestamp)
            as detected_at
    from unioned
)

select * from final
