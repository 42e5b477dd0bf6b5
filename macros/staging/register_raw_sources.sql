{#- on-run-start: expose each raw file as a view raw.<table> of text columns.

    For every table of var('raw_tables') it looks for <table>.parquet or <table>.csv
    in LOYALTY_RAW_DIR (default data/raw) and creates raw.<table> with
      - source_row_number: the row's 1-based position in the file,
      - every contract column as text (optional columns the file lacks are null),
      - raw_record: the whole row, every column of the file, as JSON text.
    A missing optional file gives an empty view. A missing required file or column
    stops the build here, naming the file and the column. -#}
{% macro register_raw_sources() %}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set raw_dir = env_var('LOYALTY_RAW_DIR', 'data/raw') | replace("'", "''") -%}
    {%- do run_query('create schema if not exists raw') -%}
    {%- for table, spec in var('raw_tables').items() -%}
        {%- set columns = spec.required_columns + spec.optional_columns -%}
        {%- set files = run_query(
            "select file from glob('" ~ raw_dir ~ "/" ~ table ~ ".parquet') "
            ~ "union all select file from glob('" ~ raw_dir ~ "/" ~ table ~ ".csv') "
            ~ "order by file"
        ).columns[0].values() -%}
        {%- if files | length > 1 -%}
            {{ exceptions.raise_compiler_error(
                "Raw data: both " ~ files | join(' and ') ~ " exist; keep one file per table"
            ) }}
        {%- elif files | length == 0 and spec.required -%}
            {{ exceptions.raise_compiler_error(
                "Raw data: required file " ~ raw_dir ~ "/" ~ table ~ ".parquet (or .csv) "
                ~ "for table '" ~ table ~ "' not found; set LOYALTY_RAW_DIR or run "
                ~ "`loyalty generate`"
            ) }}
        {%- elif files | length == 0 -%}
            {%- set body -%}
                select
                    cast(null as bigint) as source_row_number,
                    {%- for column in columns %}
                    cast(null as varchar) as {{ column }},
                    {%- endfor %}
                    cast(null as varchar) as raw_record
                where false
            {%- endset -%}
        {%- else -%}
            {%- set file = files[0] | replace("'", "''") -%}
            {%- if file.endswith('.parquet') -%}
                {%- set reader = "read_parquet('" ~ file ~ "', file_row_number = true)" -%}
                {%- set row_number = "file_row_number + 1" -%}
            {%- else -%}
                {%- set reader = "read_csv('" ~ file ~ "', header = true, delim = ',', "
                    ~ "quote = '\"', escape = '\"', all_varchar = true, "
                    ~ "auto_detect = true)" -%}
                {%- set row_number = "row_number() over ()" -%}
            {%- endif -%}
            {%- set described = run_query("describe select * from " ~ reader) -%}
            {%- set present = described.columns[0].values()
                | reject('equalto', 'file_row_number') | list -%}
            {%- set present_lower = present | map('lower') | list -%}
            {%- for column in spec.required_columns -%}
                {%- if column not in present_lower -%}
                    {{ exceptions.raise_compiler_error(
                        "Raw data: " ~ file ~ " (table '" ~ table ~ "') has no required "
                        ~ "column '" ~ column ~ "'; it has: " ~ present | join(', ')
                    ) }}
                {%- endif -%}
            {%- endfor -%}
            {%- set body -%}
                select
                    {{ row_number }} as source_row_number,
                    {%- for column in columns %}
                    {%- if column in present_lower %}
                    cast("{{ present[present_lower.index(column)] }}" as varchar)
                        as {{ column }},
                    {%- else %}
                    cast(null as varchar) as {{ column }},
                    {%- endif %}
                    {%- endfor %}
                    cast(to_json(struct_pack(
                        {%- for name in present %}
                        "{{ name }}" := "{{ name }}"{{ "," if not loop.last }}
                        {%- endfor %}
                    )) as varchar) as raw_record
                from {{ reader }}
            {%- endset -%}
        {%- endif -%}
        {%- do run_query("create or replace view raw." ~ table ~ " as " ~ body) -%}
        {{ log("raw." ~ table ~ ": " ~ (files[0] if files else "no file, empty table"),
               info=true) }}
    {%- endfor -%}
    {{ return('') }}
{% endmacro %}
