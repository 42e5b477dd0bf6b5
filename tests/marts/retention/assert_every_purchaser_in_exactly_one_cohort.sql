-- Every purchaser of dim_customers is counted in exactly one cohort: the cohorts'
-- sizes add up to the purchasers, and each purchaser's first purchase month is a
-- cohort whose size includes them.
with cohorts as (
    select
        cohort_month,
        cohort_size
    from {{ ref('fct_cohort_retention') }}
    where months_since_first_purchase = 0
),

purchasers as (
    select
        {{ dbt.date_trunc('month', 'first_purchase_date') }} as cohort_month,
        count(*) as purchasers
    from {{ ref('dim_customers') }}
    where is_purchaser
    group by 1
),

compared as (
    select
        coalesce(cohorts.cohort_month, purchasers.cohort_month) as cohort_month,
        cohorts.cohort_size,
        purchasers.purchasers
    from cohorts
    full outer join purchasers on cohorts.cohort_month = purchasers.cohort_month
)

select * from compared
where cohort_size is null or purchasers is null or cohort_size != purchasers
