{#- Customers moving between loyalty stages from one month end to the next
    (staying put included). A customer who signs up in the month enters from
    'none'; prospects become first_time (or more) in their first purchase month. -#}

with staged as (
    select * from {{ ref('int_customer_months_staged') }}
),

entries as (
    select * from {{ ref('int_customers_entry_months') }}
),

months as (
    {{ month_starts(
        '(select min(least(signup_month, coalesce(first_purchase_month, signup_month)))'
        ~ ' from entries)',
        as_of_date()
    ) }}
),

purchaser_moves as (
    select
        staged.month_start_date,
        coalesce(
            lag(staged.loyalty_stage_at_month_end) over (
                partition by staged.customer_id order by staged.month_start_date
            ),
            case
                when entries.signup_month < staged.month_start_date then 'prospect'
                else 'none'
            end
        ) as from_stage,
        staged.loyalty_stage_at_month_end as to_stage
    from staged
    inner join entries on staged.customer_id = entries.customer_id
),

purchaser_counts as (
    select
        month_start_date,
        from_stage,
        to_stage,
        count(*) as customers
    from purchaser_moves
    group by all
),

prospect_counts as (
    -- prospects at the month's end: signed up by then, first purchase later or never
    select
        months.month_start_date,
        case
            when entries.signup_month < months.month_start_date then 'prospect'
            else 'none'
        end as from_stage,
        'prospect' as to_stage,
        count(*) as customers
    from months
    inner join entries
        on
            months.month_start_date >= entries.signup_month
            and (
                entries.first_purchase_month is null
                or months.month_start_date < entries.first_purchase_month
            )
    group by all
),

unioned as (
    select * from purchaser_counts
    union all
    select * from prospect_counts
),

final as (
    select
        {{ surrogate_key(['month_start_date', 'from_stage', 'to_stage']) }}
            as transition_id,
        from_stage,
        to_stage,
        customers,
        month_start_date
    from unioned
)

select * from final
