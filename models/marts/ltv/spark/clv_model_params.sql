{#- Spark: the fitted parameters, from the Python table function that calls
    loyalty_warehouse.clv_tables.model_params (see loyalty_warehouse.spark_functions;
    the DuckDB build runs the same function in a Python model). -#}

select * from {{ clv_function('loyalty_clv_model_params') }}(
    table(
        select
            x,
            t_x,
            {{ adapter.quote('T') }},
            m_x,
            calibration_end,
            time_unit_days
        from {{ ref('int_clv_customer_summary') }}
    ) with single partition
)
