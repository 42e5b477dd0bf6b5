-- Every purchaser whose first purchase is on or before the calibration end has
-- exactly one prediction row, and nobody else has one.
with expected as (
    select customer_id
    from {{ ref('dim_customers') }}
    where first_purchase_date <= {{ clv_calibration_end() }}
),

predicted as (
    select
        customer_id,
        count(*) as rows_per_customer
    from {{ ref('clv_customer_predictions') }}
    group by customer_id
)

select
    coalesce(expected.customer_id, predicted.customer_id) as customer_id,
    predicted.rows_per_customer
from expected
full outer join predicted on expected.customer_id = predicted.customer_id
where
    expected.customer_id is null
    or predicted.customer_id is null
    or predicted.rows_per_customer != 1
