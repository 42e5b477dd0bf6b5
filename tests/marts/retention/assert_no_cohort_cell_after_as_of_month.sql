-- No cohort cell describes a month after the as-of month, and activity_month agrees
-- with cohort_month + months_since_first_purchase.
select
    cohort_month,
    months_since_first_purchase,
    activity_month
from {{ ref('fct_cohort_retention') }}
where
    activity_month > {{ dbt.date_trunc('month', as_of_date()) }}
    or activity_month
    != {{ dbt.dateadd('month', 'months_since_first_purchase', 'cohort_month') }}
