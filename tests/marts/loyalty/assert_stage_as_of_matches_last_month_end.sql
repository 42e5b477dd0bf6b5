-- A purchaser's loyalty stage in dim_customers (as of the as-of date) is the stage
-- fct_customer_months gives at the end of the as-of month (the as-of date): the two
-- ways of computing the trailing window agree.
select
    dim.customer_id,
    dim.loyalty_stage,
    months.loyalty_stage_at_month_end
from {{ ref('dim_customers') }} as dim
inner join {{ ref('fct_customer_months') }} as months
    on
        dim.customer_id = months.customer_id
        and months.month_end_date = {{ as_of_date() }}
where dim.loyalty_stage != months.loyalty_stage_at_month_end
