with customer_months as (
    select * from {{ ref('int_customer_months_staged') }}
),

final as (
    select
        customer_id,
        status_at_month_end,
        loyalty_stage_at_month_end,
        months_since_first_purchase,
        purchases,
        cumulative_purchases,
        purchases_in_window,
        cast(revenue as decimal(38, 2)) as revenue,
        cast(margin as decimal(38, 2)) as margin,
        days_since_last_purchase,
        is_new_customer,
        is_reactivated,
        is_churned_in_month,
        month_start_date,
        month_end_date,
        last_purchase_date
    from customer_months
)

select * from final
