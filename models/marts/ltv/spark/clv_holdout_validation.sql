{#- Spark: holdout validation, from the Python table function that calls
    loyalty_warehouse.clv.tables.holdout_validation (see
    loyalty_warehouse.spark.functions). -#}

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
