-- What went to quarantine, per raw table and reason, with one example row each.
-- Compile with `dbt compile --select quarantine_summary` and run the SQL in
-- target/compiled/, or paste it into the DuckDB CLI.
with reasons as (
    select
        source_table,
        source_row_number,
        raw_record,
        unnest(string_split(reason, ', ')) as reason
    from {{ ref('quarantined_rows') }}
),

summary as (
    select
        source_table,
        reason,
        count(*) as quarantined_rows,
        min(source_row_number) as first_row_number,
        arg_min(raw_record, source_row_number) as first_raw_record
    from reasons
    group by all
)

select * from summary
order by source_table asc, quarantined_rows desc
