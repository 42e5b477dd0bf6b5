{#- Cohort = calendar month of the first purchase. Every purchaser appears in every
    month of the spine from that month to the as-of month, so each cell counts the
    whole cohort, and no cell lies after the as-of month. -#}

with customer_months as (
    select * from {{ ref('fct_customer_months') }}
),

cells as (
    select
        cast({{ dbt.date_trunc('month', 'first_purchase_date') }} as date)
            as cohort_month,
        months_since_first_purchase,
        month_start_date as activity_month,
        count(*) as cohort_size,
        count(case when purchases > 0 then 1 end) as active_customers,
        sum(revenue) as revenue,
        sum(margin) as margin
    from customer_months
    group by all
),

cumulative as (
    select
        *,
        sum(revenue) over cohort_months as cumulative_revenue,
        sum(margin) over cohort_months as cumulative_margin
    from cells
    window cohort_months as (
        partition by cohort_month order by months_since_first_purchase
        rows between unbounded preceding and current row
    )
),

final as (
    select
        {{ surrogate_key(['cohort_month', 'months_since_first_purchase']) }}
            as cohort_cell_id,
        months_since_first_purchase,
        cohort_size,
        active_customers,
        {{ safe_divide('active_customers', 'cohort_size') }} as retention_rate,
        cast(revenue as decimal(38, 2)) as revenue,
        cast(cumulative_revenue as decimal(38, 2)) as cumulative_revenue,
        cast(cumulative_margin as decimal(38, 2)) as cumulative_margin,
        {{ round_to_cents('cumulative_revenue / cohort_size') }}
            as cumulative_revenue_per_customer,
        {{ round_to_cents('cumulative_margin / cohort_size') }}
            as cumulative_margin_per_customer,
        cohort_month,
        activity_month
    from cumulative
)

select * from final
