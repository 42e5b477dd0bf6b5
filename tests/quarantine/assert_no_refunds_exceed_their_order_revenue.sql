-- Warns when an order's refunds sum past its revenue: each such refund is in
-- quarantine (refund_exceeds_revenue) and the order kept as if unrefunded, which
-- overstates its revenue until the refunds are fixed upstream (docs/raw-data.md).
{{ config(severity='warn') }}

select
    record_id as refund_id,
    source_row_number,
    reason
from {{ ref('quarantined_rows') }}
where source_table = 'refunds' and reason like '%refund_exceeds_revenue%'
