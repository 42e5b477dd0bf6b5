{% test quarantine_share_below(model, source_table, level) %}

{%- set max_share = var('quarantine_' ~ level ~ '_share') %}

with read_rows as (
    select count(*) as row_count from {{ model }}
),

quarantined as (
    select count(*) as row_count
    from {{ ref('quarantined_rows') }}
    where source_table = '{{ source_table }}'
)

select
    read_rows.row_count as rows_read,
    quarantined.row_count as rows_quarantined,
    quarantined.row_count * 1.0 / read_rows.row_count as quarantined_share,
    {{ max_share }} as max_share
from read_rows
cross join quarantined
where
    read_rows.row_count > 0
    and quarantined.row_count * 1.0 / read_rows.row_count > {{ max_share }}

{% endtest %}
