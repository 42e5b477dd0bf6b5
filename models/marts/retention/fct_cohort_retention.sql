{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ delete_incremental_window(
        'activity_month >= ' ~ incremental_window_start_month()
    ) }}",
    post_hook="{{ record_incremental_build() }}",
) }}

{#- Cohort = calendar month of the first purchase. Every purchaser appears in every
    month of the spine from that month to the as-of month, so each cell counts the
    whole cohort, and no cell lies after the as-of month. Incremental: the activity
    months from the window start's month on; running totals continue from the
    kept cell of the month before. -#}

with customer_months as (
    select * from {{ ref('int_customer_months_spined') }}
    where month_start_date >= {{ incremental_window_start_month() }}
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

kept as (
    -- the running totals of the month before (none in a full build)
    {%- if is_incremental() %}
    select
        cohort_month,
        cumulative_revenue,
        cumulative_margin
    from {{ this }}
    where activity_month = {{ incremental_window_previous_month() }}
    {%- else %}
    select
        cast(null as date) as cohort_month,
        cast(null as decimal(38, 2)) as cumulative_revenue,
        cast(null as decimal(38, 2)) as cumulative_margin
    where false
    {%- endif %}
),

cumulative as (
    select
        cells.*,
        coalesce(kept.cumulative_revenue, 0)
        + sum(cells.revenue) over cohort_months as cumulative_revenue,
        case
            when
                kept.cumulative_margin is not null
                or count(cells.margin) over cohort_months > 0
                then
                    coalesce(kept.cumulative_margin, 0)
                    + coalesce(sum(cells.margin) over cohort_months, 0)
        end as cumulative_margin
    from cells
    left join kept on cells.cohort_month = kept.cohort_month
    window cohort_months as (
        partition by cells.cohort_month order by cells.months_since_first_purchase
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
        cast(cumulative_revenue / cohort_size as decimal(38, 2))
            as cumulative_revenue_per_customer,
        cast(cumulative_margin / cohort_size as decimal(38, 2))
            as cumulative_margin_per_customer,
        cohort_month,
        activity_month
    from cumulative
)

select * from final
