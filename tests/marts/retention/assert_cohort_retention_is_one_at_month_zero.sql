-- Everyone in a cohort bought in its first month: retention is exactly 1 at k = 0.
select
    cohort_month,
    retention_rate
from {{ ref('fct_cohort_retention') }}
where months_since_first_purchase = 0 and retention_rate != 1
