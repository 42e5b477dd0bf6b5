{#- Lifetime value per segment (docs/marts.md, the fct_ltv_by_segment row).
    Formula LTV over the trailing 12 months (articles 000 lines 748-753, 003 line 37):
      aov x annual_purchase_frequency x expected_lifespan_years x margin_rate
    with annual_purchase_frequency = orders / purchasers active in the window,
    expected_lifespan_years = 1 / annual churn,
    annual churn = 1 - (1 - mean monthly churn rate)^12 over the window's months,
    margin_rate = margin / revenue of purchases with a known cost (1 when none).
    Historical LTV: revenue and margin to date per purchaser. -#}

with segments as (
    select
        customer_id,
        segment_type,
        segment_value
    from {{ ref('int_customer_segments_unioned') }}
),

purchases as (
    select
        customer_id,
        historical_revenue,
        historical_margin
    from {{ ref('int_customer_purchases_summarised') }}
),

window_orders as (
    -- each customer's purchases of the trailing 12 months, summed before the
    -- segments multiply the rows
    select
        customer_id,
        count(*) as orders,
        sum(revenue) as revenue,
        sum(margin) as margin,
        sum(case when cost is not null then revenue end) as revenue_with_cost
    from {{ ref('fct_orders') }}
    where
        is_purchase
        and ordered_date > cast({{ dbt.dateadd('day', -365, as_of_date()) }} as date)
    group by customer_id
),

customer_months as (
    -- the months of the churn window only (status_at_month_start spares a window
    -- over each customer's whole history)
    select
        customer_id,
        month_start_date,
        is_churned_in_month,
        status_at_month_start in ('active', 'at_risk') as was_active_at_month_start
    from {{ ref('fct_customer_months') }}
    where
        month_start_date
        > cast(
            {{ dbt.dateadd('month', -12, dbt.date_trunc('month', as_of_date())) }} as date
        )
),

historical as (
    select
        segments.segment_type,
        segments.segment_value,
        count(*) as purchasers,
        -- exact decimal sums divided afterwards: reproducible to the last digit
        sum(purchases.historical_revenue) / count(*) as historical_ltv_per_purchaser,
        sum(purchases.historical_margin)
        / nullif(count(purchases.historical_margin), 0) as historical_margin_per_purchaser
    from segments
    inner join purchases on segments.customer_id = purchases.customer_id
    group by all
),

last_12_months as (
    select
        segments.segment_type,
        segments.segment_value,
        count(*) as active_purchasers_12m,
        cast(sum(window_orders.orders) as bigint) as orders_12m,
        sum(window_orders.revenue) as revenue_12m,
        sum(window_orders.margin) as margin_12m,
        sum(window_orders.revenue_with_cost) as revenue_with_cost_12m
    from segments
    inner join window_orders on segments.customer_id = window_orders.customer_id
    group by all
),

monthly_churn as (
    select
        segments.segment_type,
        segments.segment_value,
        customer_months.month_start_date,
        {{ safe_divide(
            'count(case when customer_months.is_churned_in_month then 1 end)',
            'count(case when customer_months.was_active_at_month_start then 1 end)'
        ) }} as churn_rate
    from segments
    inner join customer_months on segments.customer_id = customer_months.customer_id
    group by all
),

churn as (
    select
        segment_type,
        segment_value,
        -- a mean of doubles: parallel sums differ in the last bits between builds
        round(avg(churn_rate), 12) as mean_monthly_churn_rate
    from monthly_churn
    group by all
),

combined as (
    select
        historical.*,
        coalesce(last_12_months.active_purchasers_12m, 0) as active_purchasers_12m,
        coalesce(last_12_months.orders_12m, 0) as orders_12m,
        coalesce(last_12_months.revenue_12m, 0) as revenue_12m,
        {{ safe_divide('last_12_months.revenue_12m', 'last_12_months.orders_12m') }}
            as aov,
        {{ safe_divide(
            'last_12_months.orders_12m', 'last_12_months.active_purchasers_12m'
        ) }} as annual_purchase_frequency,
        churn.mean_monthly_churn_rate,
        1 - power(1 - churn.mean_monthly_churn_rate, 12) as annual_churn_rate,
        coalesce(
            {{ safe_divide(
                'last_12_months.margin_12m', 'last_12_months.revenue_with_cost_12m'
            ) }},
            1.0
        ) as margin_rate
    from historical
    left join last_12_months
        on
            historical.segment_type = last_12_months.segment_type
            and historical.segment_value = last_12_months.segment_value
    left join churn
        on
            historical.segment_type = churn.segment_type
            and historical.segment_value = churn.segment_value
),

final as (
    select
        {{ surrogate_key(['segment_type', 'segment_value']) }} as segment_id,
        segment_type,
        segment_value,
        purchasers,
        active_purchasers_12m,
        orders_12m,
        cast(revenue_12m as decimal(38, 2)) as revenue_12m,
        {{ round_to_cents('aov') }} as aov,
        annual_purchase_frequency,
        mean_monthly_churn_rate,
        annual_churn_rate,
        {{ safe_divide('1', 'annual_churn_rate') }} as expected_lifespan_years,
        margin_rate,
        {{ round_to_cents(
            "aov * annual_purchase_frequency * margin_rate * "
            ~ safe_divide('1', 'annual_churn_rate')
        ) }} as formula_ltv,
        {{ round_to_cents('historical_ltv_per_purchaser') }}
            as historical_ltv_per_purchaser,
        {{ round_to_cents('historical_margin_per_purchaser') }}
            as historical_margin_per_purchaser
    from combined
)

select * from final
