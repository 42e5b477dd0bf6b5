{% test reconciles_with_quarantine(model, staged_model, source_table) %}

with read_rows as (
    select count(*) as row_count from {{ model }}
),

staged as (
    select count(*) as row_count from {{ staged_model }}
),

quarantined as (
    select count(*) as row_count
    from {{ ref('quarantined_rows') }}
    where source_table = '{{ source_table }}'
)

select
    read_rows.row_count as rows_read,
    staged.row_count as rows_staged,
    quarantined.row_count as rows_quarantined
from read_rows
cross join staged
cross join quarantined
where read_rows.row_count != staged.row_count + quarantined.row_count

{% endtest %}
