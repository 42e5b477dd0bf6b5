{#- Customers moving between loyalty stages from one month end to the next
    (staying put included). A customer who signs up in the month enters from
    'none'; prospects become first_time (or more) in their first purchase month. -#}

with staged as (
    select * from {{ ref('fct_customer_months') }}
),

entries as (
    select * from {{ ref('int_customer_signup_and_first_purchase_months') }}
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
    select
        month_start_date,
        case when is_new_signup then 'none' else 'prospect' end as from_stage,
        'prospect' as to_stage,
        customers
    from {{ ref('int_prospects_counted_monthly') }}
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
