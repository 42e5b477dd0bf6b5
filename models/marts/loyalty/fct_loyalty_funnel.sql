{#- Customers at each stage of the loyalty ladder at each month end, prospects
    included from their sign-up month: every month x every stage (0 when empty). -#}

with staged as (
    select
        month_start_date,
        loyalty_stage_at_month_end
    from {{ ref('fct_customer_months') }}
),

prospects as (
    select
        month_start_date,
        customers
    from {{ ref('int_prospects_counted_monthly') }}
),

stages as (
    select * from {{ ref('loyalty_stages') }}
),

months as (
    select distinct month_start_date from prospects
    union
    select distinct month_start_date from staged
),

purchaser_counts as (
    select
        month_start_date,
        loyalty_stage_at_month_end as loyalty_stage,
        count(*) as customers
    from staged
    group by all
),

prospect_counts as (
    select
        month_start_date,
        'prospect' as loyalty_stage,
        cast(sum(customers) as bigint) as customers
    from prospects
    group by month_start_date
),

counts as (
    select * from purchaser_counts
    union all
    select * from prospect_counts
),

grid as (
    select
        months.month_start_date,
        stages.loyalty_stage,
        stages.stage_order,
        coalesce(counts.customers, 0) as customers
    from months
    cross join stages
    left join counts
        on
            months.month_start_date = counts.month_start_date
            and stages.loyalty_stage = counts.loyalty_stage
),

final as (
    select
        {{ surrogate_key(['month_start_date', 'loyalty_stage']) }} as funnel_row_id,
        loyalty_stage,
        stage_order,
        customers,
        {{ safe_divide(
            'customers', 'sum(customers) over (partition by month_start_date)'
        ) }} as share,
        month_start_date
    from grid
)

select * from final
