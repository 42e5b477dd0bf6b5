{#- CSAT (share of 4-5 answers on 1-5, in percent) and CES (mean of 1-7, 7 = very
    easy) per calendar month, from the first answer to the as-of month. -#}

with responses as (
    select
        survey_type,
        score,
        month_start_date,
        responded_date
    from {{ ref('fct_survey_responses') }}
    where survey_type in ('csat', 'ces')
),

months as (
    {{ month_starts('(select min(responded_date) from responses)', as_of_date()) }}
),

counted as (
    select
        months.month_start_date,
        count(case when responses.survey_type = 'csat' then 1 end) as csat_responses,
        count(
            case when responses.survey_type = 'csat' and responses.score >= 4 then 1 end
        ) as csat_satisfied,
        count(case when responses.survey_type = 'ces' then 1 end) as ces_responses,
        avg(case when responses.survey_type = 'ces' then responses.score end) as ces
    from months
    left join responses on months.month_start_date = responses.month_start_date
    group by months.month_start_date
),

final as (
    select
        month_start_date,
        csat_responses,
        csat_satisfied,
        100.0 * {{ safe_divide('csat_satisfied', 'csat_responses') }} as csat,
        ces_responses,
        cast(ces as double) as ces
    from counted
)

select * from final
