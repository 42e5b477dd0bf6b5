-- The stage shares of every month add up to 1.
select
    month_start_date,
    sum(share) as total_share
from {{ ref('fct_loyalty_funnel') }}
group by month_start_date
having abs(sum(share) - 1) > 1e-9
