{#- One row per raw table: how many rows this build read, staged and quarantined.
    The publish step compares it with the published snapshot's before it publishes
    (docs/dashboard-and-metrics.md, "Published for BI"): a table that lost more than
    the var publish_max_raw_drop_share of its rows, or a required table with none, is
    not published. -#}

{%- set raw_tables = var('raw_tables') %}

with
{%- for table in raw_tables %}
{{ table }} as (
    select
        '{{ table }}' as source_table,
        {{ 'true' if raw_tables[table].required else 'false' }} as is_required,
        count(*) as rows_read,
        count(case when quarantine_reason is null then 1 end) as rows_staged,
        count(quarantine_reason) as rows_quarantined
    from {{ ref('base_raw__' ~ table) }}
),
{% endfor %}
final as (
    {%- for table in raw_tables %}
    select
        source_table,
        is_required,
        cast(rows_read as bigint) as rows_read,
        cast(rows_staged as bigint) as rows_staged,
        cast(rows_quarantined as bigint) as rows_quarantined
    from {{ table }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select * from final
