{#- Kaplan-Meier estimate of the time from first purchase to churn, censored at the
    as-of date for customers who have not churned, overall and by first-purchase
    quarter and acquisition channel; 95% bounds from Greenwood's variance:
        S(t) = prod over t_i <= t of (1 - d_i / n_i)
        var S(t) = S(t)^2 * sum over t_i <= t of d_i / (n_i (n_i - d_i))
    n_i: customers still at risk at t_i (lifetime >= t_i); d_i: churned at t_i. -#}

with lifetimes as (
    select
        acquisition_channel,
        first_purchase_quarter,
        lifetime_days,
        is_churned
    from {{ ref('int_customer_lifetimes_measured') }}
),

segmented as (
    select
        'all' as segment_type,
        'all' as segment_value,
        lifetime_days,
        is_churned
    from lifetimes
    union all
    select
        'first_purchase_quarter' as segment_type,
        first_purchase_quarter as segment_value,
        lifetime_days,
        is_churned
    from lifetimes
    union all
    select
        'acquisition_channel' as segment_type,
        acquisition_channel as segment_value,
        lifetime_days,
        is_churned
    from lifetimes
),

per_day as (
    select
        segment_type,
        segment_value,
        lifetime_days,
        count(case when is_churned then 1 end) as churned_customers,
        count(case when not is_churned then 1 end) as censored_customers,
        count(*) as leaving_customers
    from segmented
    group by all
),

at_risk as (
    select
        *,
        cast(sum(leaving_customers) over (
            partition by segment_type, segment_value
            order by lifetime_days desc
            rows between unbounded preceding and current row
        ) as bigint) as customers_at_risk
    from per_day
),

steps as (
    select
        *,
        churned_customers = customers_at_risk as is_everyone_churned,
        case
            when churned_customers < customers_at_risk
                then ln(1 - churned_customers / customers_at_risk)
        end as log_step,
        case
            when churned_customers < customers_at_risk
                then
                    churned_customers
                    / (customers_at_risk * (customers_at_risk - churned_customers))
        end as greenwood_term
    from at_risk
),

cumulated as (
    select
        *,
        bool_or(is_everyone_churned) over curve as has_reached_zero,
        sum(log_step) over curve as log_survival,
        sum(greenwood_term) over curve as greenwood_sum
    from steps
    window curve as (
        partition by segment_type, segment_value
        order by lifetime_days
        rows between unbounded preceding and current row
    )
),

estimated as (
    select
        *,
        case when has_reached_zero then 0.0 else exp(log_survival) end
            as survival_probability
    from cumulated
),

final as (
    select
        {{ surrogate_key(['segment_type', 'segment_value', 'lifetime_days']) }}
            as survival_point_id,
        segment_type,
        segment_value,
        lifetime_days as days_since_first_purchase,
        customers_at_risk,
        churned_customers,
        censored_customers,
        round(survival_probability, 6) as survival_probability,
        round(greatest(
            0.0,
            survival_probability
            - 1.96 * survival_probability * sqrt(coalesce(greenwood_sum, 0))
        ), 6) as survival_ci_low,
        round(least(
            1.0,
            survival_probability
            + 1.96 * survival_probability * sqrt(coalesce(greenwood_sum, 0))
        ), 6) as survival_ci_high
    from estimated
)

select * from final
