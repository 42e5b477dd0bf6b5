{#- Spark: the predictions, from the Python table function that calls
    loyalty_warehouse.clv.tables.customer_predictions (see
    loyalty_warehouse.spark.functions). The parameters travel as JSON text. -#}

with params as (
    select
        to_json(collect_list(named_struct(
            'model', model,
            'parameter', parameter,
            'value', value,
            'converged', converged
        ))) as params_json
    from {{ ref('clv_model_params') }}
),

summary as (
    select
        summary.*,
        params.params_json
    from {{ ref('int_clv_customer_summary') }} as summary
    cross join params
)

select * from {{ clv_function('loyalty_clv_customer_predictions') }}(
    table(select * except (params_json) from summary) with single partition,
    (select max(params_json) from summary),
    {{ var('clv_horizon_days') }},
    {{ var('clv_annual_discount_rate') }}
)
