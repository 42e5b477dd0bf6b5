{#- One row per customer (prospects included), as of the as-of date: purchases in
    the trailing window, recommendations, NPS answers and referrals, with the
    loyalty stage and type they give. -#}

{%- set as_of = as_of_date() %}

with customers as (
    select
        customer_id,
        is_referred,
        referred_by_customer_id,
        signed_up_date
    from {{ ref('stg_raw__customers') }}
),

purchases as (
    select
        customer_id,
        purchases,
        historical_revenue,
        last_purchase_date
    from {{ ref('int_customer_purchases_summarised') }}
),

window_purchases as (
    select
        customer_id,
        count(*) as purchases_in_window
    from {{ ref('int_orders_sequenced') }}
    where is_purchase and {{ in_loyalty_window('ordered_date', as_of) }}
    group by customer_id
),

recommendations as (
    select
        customer_id,
        max(recommended_date) as last_recommended_date
    from {{ ref('int_customer_recommendations_unioned') }}
    group by customer_id
),

nps_answers as (
    -- the answers given on or before the as-of date
    select
        customer_id,
        score,
        {{ nps_category('score') }} as nps_category,
        responded_date,
        row_number() over (
            partition by customer_id order by responded_at desc, response_id desc
        ) as recency_rank
    from {{ ref('stg_raw__survey_responses') }}
    where
        survey_type = 'nps'
        and customer_id is not null
        and responded_date <= {{ as_of }}
),

latest_nps as (
    select * from nps_answers
    where recency_rank = 1
),

referrals as (
    select
        referred.referred_by_customer_id as customer_id,
        count(*) as referred_customers,
        sum(coalesce(referred_purchases.historical_revenue, 0)) as referred_revenue
    from customers as referred
    left join purchases as referred_purchases
        on referred.customer_id = referred_purchases.customer_id
    where
        referred.is_referred
        and referred.signed_up_date <= {{ as_of }}
    group by referred.referred_by_customer_id
),

joined as (
    select
        customers.customer_id,
        {{ customer_status('purchases.last_purchase_date', as_of) }} as status,
        coalesce(purchases.purchases, 0) as purchases,
        coalesce(window_purchases.purchases_in_window, 0) as purchases_in_window,
        coalesce(
            {{ in_loyalty_window(
                'recommendations.last_recommended_date', as_of
            ) }},
            false
        ) as has_recommended_in_window,
        latest_nps.score as latest_nps_score,
        latest_nps.nps_category as latest_nps_category,
        case
            when {{ in_loyalty_window('latest_nps.responded_date', as_of) }}
                then latest_nps.score
        end as latest_nps_score_in_window,
        coalesce(referrals.referred_customers, 0) as referred_customers,
        coalesce(referrals.referred_revenue, 0) as referred_revenue
    from customers
    left join purchases on customers.customer_id = purchases.customer_id
    left join window_purchases on customers.customer_id = window_purchases.customer_id
    left join recommendations on customers.customer_id = recommendations.customer_id
    left join latest_nps on customers.customer_id = latest_nps.customer_id
    left join referrals on customers.customer_id = referrals.customer_id
),

final as (
    select
        *,
        {{ loyalty_stage(
            'status', 'purchases', 'purchases_in_window', 'has_recommended_in_window'
        ) }} as loyalty_stage,
        {{ loyalty_type('latest_nps_score_in_window', 'purchases_in_window') }}
            as loyalty_type
    from joined
)

select * from final
