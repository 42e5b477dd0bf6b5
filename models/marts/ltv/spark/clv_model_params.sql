{#- Spark: the fitted parameters, from the Python table function that calls
    loyalty_warehouse.clv.tables.model_params (see loyalty_warehouse.spark.functions;
    the DuckDB build runs the same function in a Python model). Spark calls a table
    function on no rows at all when its input is empty, so the input carries one
    padding row more, which the function drops: with no customers it still returns
    one row per parameter (not converged), as on DuckDB. -#}

select * from {{ clv_function('loyalty_clv_model_params') }}(
    table(
        select
            x,
            t_x,
            {{ adapter.quote('T') }},
            m_x,
            calibration_end,
            time_unit_days,
            false as is_padding
        from {{ ref('int_clv_customer_summary') }}
        union all
        select
            cast(null as bigint) as x,
            cast(null as double) as t_x,
            cast(null as double) as {{ adapter.quote('T') }},
            cast(null as double) as m_x,
            cast(null as date) as calibration_end,
            cast(null as int) as time_unit_days,
            true as is_padding
    ) with single partition
)
