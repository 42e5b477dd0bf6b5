{#- Referrals per calendar month.
    Live NPS (article 000 lines 249-257): of the customers shown at least one offer
    in the month (by offered_at), the percentage who shared at least one of those
    offers, whenever they shared it: action, not intent.
    Referral rate (article 003 lines 39-45): new customers (first purchase in the
    month, as in fct_retention_monthly) who were referred / all new customers. A
    referrer that names no customer is nobody's referral (is_referred). -#}

{%- set as_of = as_of_date() %}
{%- set first_month %}
    (
        select min(month_start_date)
        from (
            select month_start_date from signups
            union all
            select month_start_date from offer_counts
        ) as firsts
    )
{%- endset %}

with offers as (
    select * from {{ ref('fct_referral_offers') }}
),

customers as (
    select
        customer_id,
        is_referred,
        signed_up_date
    from {{ ref('stg_raw__customers') }}
    where signed_up_date <= {{ as_of }}
),

purchasers as (
    select * from {{ ref('int_customer_purchases_summarised') }}
),

offered_customers as (
    select
        month_start_date,
        customer_id,
        bool_or(is_shared_by_as_of) as has_shared
    from offers
    group by all
),

offer_counts as (
    select
        month_start_date,
        count(*) as customers_offered,
        count(case when has_shared then 1 end) as customers_shared
    from offered_customers
    group by month_start_date
),

new_customers as (
    select
        cast({{ dbt.date_trunc('month', 'purchasers.first_purchase_date') }} as date)
            as month_start_date,
        count(*) as new_customers,
        count(case when customers.is_referred then 1 end) as referred_new_customers
    from purchasers
    inner join customers on purchasers.customer_id = customers.customer_id
    group by all
),

signups as (
    select
        cast({{ dbt.date_trunc('month', 'signed_up_date') }} as date) as month_start_date,
        count(*) as signups,
        count(case when is_referred then 1 end) as referred_signups
    from customers
    group by all
),

months as (
    {{ month_starts(first_month, as_of) }}
),

final as (
    select
        months.month_start_date,
        coalesce(offer_counts.customers_offered, 0) as customers_offered,
        coalesce(offer_counts.customers_shared, 0) as customers_shared,
        100.0 * {{ safe_divide('offer_counts.customers_shared',
                               'offer_counts.customers_offered') }} as live_nps,
        coalesce(new_customers.new_customers, 0) as new_customers,
        coalesce(new_customers.referred_new_customers, 0) as referred_new_customers,
        {{ safe_divide('new_customers.referred_new_customers',
                       'new_customers.new_customers') }} as referral_rate,
        coalesce(signups.signups, 0) as signups,
        coalesce(signups.referred_signups, 0) as referred_signups
    from months
    left join offer_counts on months.month_start_date = offer_counts.month_start_date
    left join new_customers on months.month_start_date = new_customers.month_start_date
    left join signups on months.month_start_date = signups.month_start_date
)

select * from final
