{#- Lifetime value per segment (docs/marts.md, the fct_ltv_by_segment row).
    Formula LTV over the trailing 12 months:
      aov x annual_purchase_frequency x expected_lifespan_years x margin_rate
    with annual_purchase_frequency = orders / purchasers active in the window,
    expected_lifespan_years = 1 / annual churn,
    annual churn = 1 - (1 - mean monthly churn rate)^12 over the window's months,
    margin_rate = margin / revenue of purchases with a known cost (1 when none).
    Historical LTV: revenue and margin to date per purchaser. -#}

{%- set segment_types = ['all', 'acquisition_channel', 'country_code', 'cohort_year'] %}
{%- set as_of = as_of_date() %}
{%- set expected_lifespan_years = safe_divide('1', 'annual_churn_rate') %}
{%- set formula_ltv %}
    aov * annual_purchase_frequency * margin_rate * {{ expected_lifespan_years }}
{%- endset %}

with purchasers as (
    -- one row per purchaser, with the value it has in each segment type
    select
        purchases.customer_id,
        {{ unknown_if_missing('customers.acquisition_channel') }} as acquisition_channel,
        {{ unknown_if_missing('customers.country_code') }} as country_code,
        cast(extract(year from purchases.first_purchase_date) as {{ dbt.type_string() }})
            as cohort_year,
        purchases.historical_revenue,
        purchases.historical_margin
    from {{ ref('int_customer_purchases_summarised') }} as purchases
    inner join {{ ref('stg_raw__customers') }} as customers
        on purchases.customer_id = customers.customer_id
),

window_orders as (
    -- each customer's purchases of the trailing 12 months
    select
        customer_id,
        count(*) as orders,
        sum(revenue) as revenue,
        sum(margin) as margin,
        sum(case when cost is not null then revenue end) as revenue_with_cost
    from {{ ref('fct_orders') }}
    where
        is_purchase
        and ordered_date > cast({{ dbt.dateadd('day', -365, as_of) }} as date)
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
            {{ dbt.dateadd('month', -12, dbt.date_trunc('month', as_of)) }} as date
        )
),

cells as (
    -- the purchasers summed per combination of segment values (a few hundred rows),
    -- before the segment types regroup them: counts and exact decimal sums add up
    -- to the same totals in any grouping
    select
        purchasers.acquisition_channel,
        purchasers.country_code,
        purchasers.cohort_year,
        count(*) as purchasers,
        sum(purchasers.historical_revenue) as historical_revenue,
        sum(purchasers.historical_margin) as historical_margin,
        count(purchasers.historical_margin) as purchasers_with_margin,
        count(window_orders.customer_id) as active_purchasers_12m,
        sum(window_orders.orders) as orders_12m,
        sum(window_orders.revenue) as revenue_12m,
        sum(window_orders.margin) as margin_12m,
        sum(window_orders.revenue_with_cost) as revenue_with_cost_12m
    from purchasers
    left join window_orders on purchasers.customer_id = window_orders.customer_id
    group by all
),

month_cells as (
    select
        purchasers.acquisition_channel,
        purchasers.country_code,
        purchasers.cohort_year,
        customer_months.month_start_date,
        count(case when customer_months.is_churned_in_month then 1 end) as churned,
        count(case when customer_months.was_active_at_month_start then 1 end)
            as active_at_month_start
    from purchasers
    inner join customer_months on purchasers.customer_id = customer_months.customer_id
    group by all
),

segments as (
    {%- for segment_type in segment_types %}
    {%- set value = "'all'" if segment_type == 'all' else segment_type %}
    select
        '{{ segment_type }}' as segment_type,
        {{ value }} as segment_value,
        cast(sum(purchasers) as bigint) as purchasers,
        -- exact decimal sums divided afterwards: reproducible to the last digit
        sum(historical_revenue) / cast(sum(purchasers) as bigint)
            as historical_ltv_per_purchaser,
        sum(historical_margin) / nullif(cast(sum(purchasers_with_margin) as bigint), 0)
            as historical_margin_per_purchaser,
        cast(sum(active_purchasers_12m) as bigint) as active_purchasers_12m,
        cast(sum(orders_12m) as bigint) as orders_12m,
        sum(revenue_12m) as revenue_12m,
        sum(margin_12m) as margin_12m,
        sum(revenue_with_cost_12m) as revenue_with_cost_12m
    from cells
    group by all
    -- no purchasers, no row: the 'all' select groups by constants alone, which
    -- DuckDB reads as one group even over no rows, and Spark as none
    having count(*) > 0
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

monthly_churn as (
    {%- for segment_type in segment_types %}
    {%- set value = "'all'" if segment_type == 'all' else segment_type %}
    select
        '{{ segment_type }}' as segment_type,
        {{ value }} as segment_value,
        month_start_date,
        {{ safe_divide('sum(churned)', 'sum(active_at_month_start)') }} as churn_rate
    from month_cells
    group by all
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

churn as (
    select
        segment_type,
        segment_value,
        -- a mean of doubles: parallel sums differ in the last bits between builds
        round(avg(churn_rate), 12) as mean_monthly_churn_rate
    from monthly_churn
    group by segment_type, segment_value
),

combined as (
    select
        segments.segment_type,
        segments.segment_value,
        segments.purchasers,
        segments.historical_ltv_per_purchaser,
        segments.historical_margin_per_purchaser,
        segments.active_purchasers_12m,
        coalesce(segments.orders_12m, 0) as orders_12m,
        coalesce(segments.revenue_12m, 0) as revenue_12m,
        {{ safe_divide('segments.revenue_12m', 'segments.orders_12m') }} as aov,
        {{ safe_divide('segments.orders_12m', 'segments.active_purchasers_12m') }}
            as annual_purchase_frequency,
        churn.mean_monthly_churn_rate,
        1 - power(1 - churn.mean_monthly_churn_rate, 12) as annual_churn_rate,
        coalesce(
            {{ safe_divide('segments.margin_12m', 'segments.revenue_with_cost_12m') }},
            1.0
        ) as margin_rate
    from segments
    left join churn
        on
            segments.segment_type = churn.segment_type
            and segments.segment_value = churn.segment_value
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
        {{ expected_lifespan_years }} as expected_lifespan_years,
        margin_rate,
        {{ round_to_cents(formula_ltv) }} as formula_ltv,
        {{ round_to_cents('historical_ltv_per_purchaser') }}
            as historical_ltv_per_purchaser,
        {{ round_to_cents('historical_margin_per_purchaser') }}
            as historical_margin_per_purchaser
    from combined
)

select * from final
