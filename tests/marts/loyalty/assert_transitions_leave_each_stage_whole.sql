-- For every month and stage, the customers moving out of the stage (to any stage,
-- itself included) equal the stage's count at the previous month end, and the
-- customers moving in equal its count at this month end.
with funnel as (
    select * from {{ ref('fct_loyalty_funnel') }}
),

transitions as (
    select * from {{ ref('fct_loyalty_transitions') }}
),

outflows as (
    select
        month_start_date,
        from_stage as loyalty_stage,
        sum(customers) as customers
    from transitions
    where from_stage != 'none'
    group by all
),

inflows as (
    select
        month_start_date,
        to_stage as loyalty_stage,
        sum(customers) as customers
    from transitions
    group by all
),

last_month as (
    select max(month_start_date) as month_start_date from funnel
),

previous_counts as (
    select
        {{ dbt.dateadd('month', 1, 'funnel.month_start_date') }} as month_start_date,
        funnel.loyalty_stage,
        funnel.customers
    from funnel
    inner join last_month on funnel.month_start_date < last_month.month_start_date
),

out_mismatch as (
    select
        previous_counts.month_start_date,
        previous_counts.loyalty_stage,
        previous_counts.customers as expected,
        coalesce(outflows.customers, 0) as actual,
        'out' as direction
    from previous_counts
    left join outflows
        on
            previous_counts.month_start_date = outflows.month_start_date
            and previous_counts.loyalty_stage = outflows.loyalty_stage
    where previous_counts.customers != coalesce(outflows.customers, 0)
),

in_mismatch as (
    select
        funnel.month_start_date,
        funnel.loyalty_stage,
        funnel.customers as expected,
        coalesce(inflows.customers, 0) as actual,
        'in' as direction
    from funnel
    left join inflows
        on
            funnel.month_start_date = inflows.month_start_date
            and funnel.loyalty_stage = inflows.loyalty_stage
    where funnel.customers != coalesce(inflows.customers, 0)
)

select * from out_mismatch
union all
select * from in_mismatch
