-- S of a month is E of the month before (and 0 in the first month): the monthly
-- chain has no gap.
with chained as (
    select
        month_start_date,
        customers_start,
        lag(customers_end) over (order by month_start_date) as previous_end,
        lag(month_start_date) over (order by month_start_date) as previous_month
    from {{ ref('fct_retention_monthly') }}
)

select * from chained
where
    customers_start != coalesce(previous_end, 0)
    or (
        previous_month is not null
        and previous_month != {{ dbt.dateadd('month', -1, 'month_start_date') }}
    )
