{{ config(materialized='view') }}

{#- int_purchase_days_numbered with the churn rule applied as of the as-of date:
    the customer churns on churn_date_after(purchase_date) when no purchase comes
    before that day and the day is on or before the as-of date.
    A view: the only as-of dependent column, so the table below it stays
    incremental while a new as-of date turns customers into churners. -#}

with purchase_days as (
    select * from {{ ref('int_purchase_days_numbered') }}
),

final as (
    select
        customer_id,
        purchase_day_number,
        purchases,
        cumulative_purchases,
        revenue,
        margin,
        is_first_purchase,
        is_reactivation,
        purchase_date,
        previous_purchase_date,
        next_purchase_date,
        case
            when
                (
                    next_purchase_date is null
                    or next_purchase_date >= {{ churn_date_after('purchase_date') }}
                )
                and {{ churn_date_after('purchase_date') }} <= {{ as_of_date() }}
                then cast({{ churn_date_after('purchase_date') }} as date)
        end as churn_date
    from purchase_days
)

select * from final
