{#- NPS per calendar month, every month from the first answer to the as-of month
    (null NPS in a month without answers). Anonymous answers count. -#}

with responses as (
    select
        month_start_date,
        responded_date,
        nps_category
    from {{ ref('fct_survey_responses') }}
    where survey_type = 'nps'
),

months as (
    {{ month_starts('(select min(responded_date) from responses)', as_of_date()) }}
),

counted as (
    select
        months.month_start_date,
        {{ nps_counts('responses.nps_category') }}
    from months
    left join responses on months.month_start_date = responses.month_start_date
    group by months.month_start_date
),

final as (
    select
        month_start_date,
        responses,
        promoters,
        passives,
        detractors,
        {{ nps_columns('promoters', 'detractors', 'responses') }}
    from counted
)

select * from final
