{#- Prospects at each month end: signed up by then, first purchase later or never.
    Split by whether they signed up during the month (they enter the ladder from
    'none') or before (they were prospects at the previous month end too). -#}

{%- set first_month %}
    (
        select min(least(signup_month, coalesce(first_purchase_month, signup_month)))
        from entries
    )
{%- endset %}

with entries as (
    select
        signup_month,
        first_purchase_month
    from {{ ref('int_customer_signup_and_first_purchase_months') }}
),

months as (
    {{ month_starts(first_month, as_of_date()) }}
),

final as (
    select
        months.month_start_date,
        entries.signup_month = months.month_start_date as is_new_signup,
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
)

select * from final
