{#- Spark: holdout validation, from the Python table function that calls
    loyalty_warehouse.clv_tables.holdout_validation (see
    loyalty_warehouse.spark_functions). -#}

select * from {{ clv_function('loyalty_clv_holdout_validation') }}(
    table(
        select
            x,
            holdout_days,
            holdout_transactions,
            expected_holdout_transactions
        from {{ ref('clv_customer_predictions') }}
    ) with single partition
)
