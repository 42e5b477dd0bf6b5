{#- on-run-start: expose each raw file as a view raw.<table> of text columns.

    For every table of var('raw_tables') it looks for <table>.parquet or <table>.csv
    in LOYALTY_RAW_DIR (default data/raw) and creates raw.<table> with
      - source_row_number: the row's 1-based position among the file's rows,
      - source_line_number: the CSV line the row starts on (null for parquet),
      - every contract column as text (optional columns the file lacks are null),
      - is_malformed_row: a CSV row with more or fewer fields than the header,
        whose fields are never read (every contract column is null),
      - raw_record: the whole row as JSON text: an object of every column of the
        file, or, for a malformed row, {"row_text": the row's text}.
    A missing optional file gives an empty view. A missing required file or column,
    or a file that cannot be read at all, stops the build here with one line naming
    the file, the problem and the line where known. -#}
{% macro register_raw_sources() %}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set raw_dir = env_var('LOYALTY_RAW_DIR', 'data/raw') -%}
    {%- do adapter.create_schema(api.Relation.create(database=target_database(), schema='raw')) -%}
    {%- for table, spec in var('raw_tables').items() -%}
        {%- set columns = spec.required_columns + spec.optional_columns -%}
        {%- set file = raw_file(raw_dir, table, spec.required) -%}
        {%- if file is none -%}
            {%- set loaded = {'select': empty_raw_select(columns), 'note': 'no file, empty table'} -%}
        {%- elif file.endswith('.parquet') -%}
            {%- set loaded = raw_parquet_select(file, table, spec) -%}
        {%- else -%}
            {%- set loaded = raw_csv_select(file, table, spec) -%}
        {%- endif -%}
        {%- set relation = api.Relation.create(
            database=target_database(), schema='raw', identifier=table, type='view'
        ) -%}
        {%- do run_query('create or replace view ' ~ relation ~ ' as ' ~ loaded['select']) -%}
        {{ log("raw." ~ table ~ ": " ~ (file or '') ~ (', ' if file else '') ~ loaded['note'],
               info=true) }}
    {%- endfor -%}
    {{ return('') }}
{% endmacro %}


{#- Stop the build with one line about a raw file (a database error: dbt prints
    it without a macro stack). -#}
{% macro raw_data_error(message) -%}
    {{ exceptions.raise_database_error("Raw data: " ~ message) }}
{%- endmacro %}


{#- A text value as a SQL string literal. -#}
{% macro sql_string(value) -%}
    '{{ value | string | replace("'", "''") }}'
{%- endmacro %}


{#- The raw file of a table (<table>.parquet or <table>.csv in raw_dir), or none
    when an optional table has no file. -#}
{% macro raw_file(raw_dir, table, required) -%}
    {{ return(adapter.dispatch('raw_file', 'loyalty_warehouse')(raw_dir, table, required)) }}
{%- endmacro %}

{% macro default__raw_file(raw_dir, table, required) -%}
    {%- set files = run_query(
        "select file from glob(" ~ sql_string(raw_dir ~ "/" ~ table ~ ".parquet") ~ ") "
        ~ "union all select file from glob(" ~ sql_string(raw_dir ~ "/" ~ table ~ ".csv") ~ ") "
        ~ "order by file"
    ).columns[0].values() -%}
    {%- if files | length > 1 -%}
        {{ raw_data_error("both " ~ files | join(' and ') ~ " exist; keep one file per table") }}
    {%- elif files | length == 0 and required -%}
        {{ raw_data_error(
            "required file " ~ raw_dir ~ "/" ~ table ~ ".parquet (or .csv) for table '"
            ~ table ~ "' not found; set LOYALTY_RAW_DIR or run `loyalty generate`"
        ) }}
    {%- endif -%}
    {{ return(files[0] if files else none) }}
{%- endmacro %}


{#- The view of a table without a file: no rows, the contract's columns. -#}
{% macro empty_raw_select(columns) -%}
    select
        cast(null as bigint) as source_row_number,
        cast(null as bigint) as source_line_number,
        {%- for column in columns %}
        cast(null as {{ dbt.type_string() }}) as {{ column }},
        {%- endfor %}
        false as is_malformed_row,
        cast(null as {{ dbt.type_string() }}) as raw_record
    where false
{%- endmacro %}


{#- Each required column of the contract is among the file's columns (matched
    case-insensitively, trimmed); returns {contract column: file column}. -#}
{% macro match_raw_columns(file, table, spec, present) -%}
    {%- set present_lower = present | map('trim') | map('lower') | list -%}
    {%- for column in spec.required_columns -%}
        {%- if column not in present_lower -%}
            {{ raw_data_error(
                file ~ " (table '" ~ table ~ "') has no required column '" ~ column
                ~ "'; it has: " ~ present | join(', ')
            ) }}
        {%- endif -%}
    {%- endfor -%}
    {%- set matched = {} -%}
    {%- for column in spec.required_columns + spec.optional_columns -%}
        {%- if column in present_lower -%}
            {%- do matched.update({column: present[present_lower.index(column)]}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(matched) }}
{%- endmacro %}


{#- A column name of a file, quoted as an identifier. -#}
{% macro raw_identifier(name) -%}
    {{ adapter.quote(name | replace('"', '""') | replace('`', '``')) }}
{%- endmacro %}


{#- A parquet file. Its values are read as text, except the timestamps (*_at) and
    numbers (number_columns) that the file already types as such: those are read as
    they are (a typed value cannot be malformed), which spares a round trip through
    text (macros raw_timestamp and raw_number). Parquet rows cannot be malformed. -#}
{% macro raw_parquet_select(file, table, spec) -%}
    {{ return(adapter.dispatch('raw_parquet_select', 'loyalty_warehouse')(file, table, spec)) }}
{%- endmacro %}

{#- The contract's columns of a parquet file, each followed by a comma: a timestamp
    or number the file already types is kept as it is, anything else read as text,
    a column the file lacks null. `types` maps the file's columns to their types. -#}
{% macro raw_parquet_columns(spec, matched, types) -%}
    {%- for column in spec.required_columns + spec.optional_columns %}
    {%- if column in matched %}
    {%- set native = types[matched[column]] %}
    {%- if (column.endswith('_at') and is_temporal_type(native))
        or (column in spec.get('number_columns', []) and is_numeric_type(native)) %}
    {{ raw_identifier(matched[column]) }} as {{ column }},
    {%- else %}
    cast({{ raw_identifier(matched[column]) }} as {{ dbt.type_string() }}) as {{ column }},
    {%- endif %}
    {%- else %}
    cast(null as {{ dbt.type_string() }}) as {{ column }},
    {%- endif %}
    {%- endfor %}
{%- endmacro %}

{% macro default__raw_parquet_select(file, table, spec) -%}
    {%- set reader = "read_parquet(" ~ sql_string(file) ~ ", file_row_number = true)" -%}
    {%- set described = run_query("describe select * from " ~ reader) -%}
    {%- set types = {} -%}
    {%- for row in described.rows if row[0] != 'file_row_number' -%}
        {%- do types.update({row[0]: row[1] | lower}) -%}
    {%- endfor -%}
    {%- set present = types.keys() | list -%}
    {%- set matched = match_raw_columns(file, table, spec, present) -%}
    {%- set body -%}
        select
            file_row_number + 1 as source_row_number,
            cast(null as bigint) as source_line_number,
            {{ raw_parquet_columns(spec, matched, types) }}
            false as is_malformed_row,
            cast(to_json(struct_pack(
                {%- for name in present %}
                {{ raw_identifier(name) }} := {{ raw_identifier(name) }}
                {{- "," if not loop.last }}
                {%- endfor %}
            )) as varchar) as raw_record
        from {{ reader }}
    {%- endset -%}
    {{ return({'select': body, 'note': 'parquet'}) }}
{%- endmacro %}


{#- Whether a column type (lower case) holds dates or timestamps, or numbers. -#}
{% macro is_temporal_type(data_type) -%}
    {{ return(data_type == 'date' or data_type.startswith('timestamp')) }}
{%- endmacro %}

{% macro is_numeric_type(data_type) -%}
    {{ return(data_type.split('(')[0] in [
        'tinyint', 'smallint', 'integer', 'bigint', 'hugeint', 'utinyint', 'usmallint',
        'uinteger', 'ubigint', 'float', 'double', 'decimal', 'int', 'long', 'short',
        'byte', 'real'
    ]) }}
{%- endmacro %}


{#- A CSV file (header row, comma separated, '"' quotes, UTF-8), read with DuckDB's
    CSV reader without its sniffer, so that a malformed first row cannot be taken
    for the header and no row is ever parsed by shifting its fields:

    1. the header: the first record, read alone;
    2. two passes over the whole file: a file that cannot be read (not UTF-8, a
       broken quote, a line over the reader's maximum) stops the build here, with
       its line; rows with more or fewer fields than the header are counted. Each
       pass catches what the other misses in DuckDB 1.4: the parallel reader misses
       some invalid UTF-8, the padding reader of step 3 a quote left open at the end
       of the file;
    3. the view. Every record is read into header-width + 1 text columns padded with
       nulls (an empty field stays an empty text, so only a missing field is null):
       the extra column holds a field beyond the header's, a null in the header's
       last column a missing field. DuckDB's own check of the field count is not
       enough: it accepts a row with one field too many when that field is empty
       (a trailing comma), which is what `1,234.50` unquoted before an empty cost
       looks like. Rows with still more fields are rejected by the reader in step 2,
       and the view is then made wide enough to hold them too.

    Lines: the line a row starts on is its record number (the header is line 1)
    plus the line breaks inside quoted values of the records before it. Blank lines
    hold no row and are skipped by the reader; they are not counted. -#}
{% macro raw_csv_select(file, table, spec) -%}
    {{ return(adapter.dispatch('raw_csv_select', 'loyalty_warehouse')(file, table, spec)) }}
{%- endmacro %}

{% macro default__raw_csv_select(file, table, spec) -%}
    {%- set header = raw_csv_header(file) -%}
    {%- if header | length == 1 -%}
        {%- for delimiter, name in [[';', 'semicolon'], ['\t', 'tab'], ['|', 'pipe']] -%}
            {%- if delimiter in header[0] -%}
                {{ raw_data_error(
                    file ~ " line 1: the header is one column, '" ~ header[0] ~ "': the file "
                    ~ "looks " ~ name ~ "-separated; raw CSV files must be comma-separated"
                ) }}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set matched = match_raw_columns(file, table, spec, header) -%}
    {%- set fields = header | length -%}

    {%- do raw_csv_check_quotes(file, fields) -%}
    {%- set checked = raw_csv_check(file, fields, fields + 1) -%}
    {%- if checked['wider'] -%}
        {%- set checked = raw_csv_check(file, fields, checked['wider'] | int) -%}
    {%- endif -%}
    {%- set width = checked['width'] -%}
    {%- set columns = [] -%}
    {%- for i in range(1, width + 1) -%}{%- do columns.append('c' ~ i) -%}{%- endfor -%}

    {%- if checked['rows_with_line_breaks'] > 0 -%}
        {%- set line_number -%}
            ordinality + coalesce(sum({{ raw_csv_line_breaks(columns) }}) over (
                order by ordinality rows between unbounded preceding and 1 preceding
            ), 0)
        {%- endset -%}
    {%- else -%}
        {%- set line_number = 'ordinality' -%}
    {%- endif -%}

    {%- set body -%}
        with records as (
            select
                *,
                {{ line_number }} as line_number,
                c{{ fields + 1 }} is not null or c{{ fields }} is null as is_malformed_row
            from {{ raw_csv_reader(file, width) }}
        )

        select
            ordinality - 1 as source_row_number,
            line_number as source_line_number,
            {%- for column in spec.required_columns + spec.optional_columns %}
            {%- if column in matched %}
            case when not is_malformed_row
                then c{{ header.index(matched[column]) + 1 }} end as {{ column }},
            {%- else %}
            cast(null as varchar) as {{ column }},
            {%- endif %}
            {%- endfor %}
            is_malformed_row,
            cast(case
                when is_malformed_row
                    then to_json(struct_pack(row_text := {{ raw_csv_text(columns) }}))
                else to_json(struct_pack(
                    {%- for name in header %}
                    {{ raw_identifier(name) }} := c{{ loop.index }}{{ "," if not loop.last }}
                    {%- endfor %}
                ))
            end as varchar) as raw_record
        from records
        where ordinality > 1
    {%- endset -%}
    {%- set note = "{:,}".format(checked['rows']) ~ " rows" -%}
    {%- if checked['malformed_rows'] -%}
        {%- set note = note ~ ", " ~ "{:,}".format(checked['malformed_rows'])
            ~ " with more or fewer fields than the header (quarantined as malformed_row)" -%}
    {%- endif -%}
    {{ return({'select': body, 'note': note}) }}
{%- endmacro %}


{#- DuckDB's CSV reader on a raw file, `width` text columns c1, c2, ... padded with
    nulls, every record numbered (`ordinality`, the header is 1). -#}
{% macro raw_csv_reader(file, width, options='') -%}
    {%- set columns = [] -%}
    {%- for i in range(1, width + 1) -%}
        {%- do columns.append("'c" ~ i ~ "': 'varchar'") -%}
    {%- endfor -%}
    (select * from read_csv(
        {{ sql_string(file) }}, header = false, auto_detect = false, skip = 0,
        delim = ',', quote = '"', escape = '"', strict_mode = true,
        null_padding = true, parallel = false, nullstr = chr(1),
        columns = { {{- columns | join(', ') -}} }{{ ', ' ~ options if options }}
    ) with ordinality)
{%- endmacro %}


{#- The reader's problems with a file, kept by `store_rejects` in a temporary
    table of this connection instead of failing the query. -#}
{% macro raw_csv_rejects_options() -%}
    store_rejects = true, rejects_table = 'raw_csv_errors', rejects_scan = 'raw_csv_scans'
{%- endmacro %}

{% macro raw_csv_clear_rejects() -%}
    {%- do run_query('drop table if exists temp.main.raw_csv_errors') -%}
    {%- do run_query('drop table if exists temp.main.raw_csv_scans') -%}
{%- endmacro %}


{#- The header's column names (the file's first record), or stop the build when
    the file is empty or its first line cannot be read. -#}
{% macro raw_csv_header(file) -%}
    {%- set width = 256 -%}
    {%- do raw_csv_clear_rejects() -%}
    {%- set first = run_query(
        "select * exclude (ordinality) from "
        ~ raw_csv_reader(file, width, raw_csv_rejects_options()) ~ " limit 1"
    ) -%}
    {%- set problem = run_query(
        "select error_type, error_message from temp.main.raw_csv_errors where line = 1 limit 1"
    ) -%}
    {%- if problem.rows | length > 0 -%}
        {%- if problem.rows[0][0] == 'TOO MANY COLUMNS' -%}
            {{ raw_data_error(file ~ " line 1: the header has more than " ~ width ~ " columns") }}
        {%- endif -%}
        {{ raw_data_error(file ~ " line 1: " ~ raw_csv_problem(problem.rows[0][0], problem.rows[0][1])) }}
    {%- endif -%}
    {%- if first.rows | length == 0 -%}
        {{ raw_data_error(file ~ " is empty: a CSV file needs a header row") }}
    {%- endif -%}
    {{ return(first.rows[0] | reject('none') | list) }}
{%- endmacro %}


{#- A pass of DuckDB's parallel, strict CSV reader over the whole file: it stops
    the build at the first broken quote (rows with a wrong number of fields are
    left to raw_csv_check). -#}
{% macro raw_csv_check_quotes(file, fields) -%}
    {%- set columns = [] -%}
    {%- for i in range(1, fields + 1) -%}
        {%- do columns.append("'c" ~ i ~ "': 'varchar'") -%}
    {%- endfor -%}
    {%- do raw_csv_clear_rejects() -%}
    {%- do run_query(
        "select count(*) from read_csv(" ~ sql_string(file) ~ ", header = false, "
        ~ "auto_detect = false, skip = 0, delim = ',', quote = '\"', escape = '\"', "
        ~ "strict_mode = true, nullstr = chr(1), columns = {" ~ columns | join(', ') ~ "}, "
        ~ raw_csv_rejects_options() ~ ")"
    ) -%}
    {{ raw_csv_stop_at_first_error(file, fields + 1) }}
{%- endmacro %}


{#- One pass over the whole file at `width` (> `fields`, the header's) columns.
    Returns the counts of rows, of malformed rows and of rows with a line break
    inside a quoted value, and `wider`: the width needed when some rows have more
    fields than `width` (the reader rejected them). Stops the build at the first
    line it cannot read. -#}
{% macro raw_csv_check(file, fields, width) -%}
    {%- set columns = [] -%}
    {%- for i in range(1, width + 1) -%}{%- do columns.append('c' ~ i) -%}{%- endfor -%}
    {%- do raw_csv_clear_rejects() -%}
    {%- set counts = run_query(
        "select count(*), "
        ~ "count(*) filter (where c" ~ (fields + 1) ~ " is not null or c" ~ fields ~ " is null), "
        ~ "count(*) filter (where " ~ raw_csv_line_breaks(columns) ~ " > 0) "
        ~ "from " ~ raw_csv_reader(file, width, raw_csv_rejects_options())
        ~ " where ordinality > 1"
    ).rows[0] -%}
    {{ raw_csv_stop_at_first_error(file, width) }}
    {%- set wider = run_query(
        "select max(length(csv_line) - length(replace(csv_line, ',', '')) + 2) "
        ~ "from temp.main.raw_csv_errors where error_type = 'TOO MANY COLUMNS'"
    ).columns[0].values()[0] -%}
    {{ return({
        'width': width,
        'rows': counts[0],
        'malformed_rows': counts[1],
        'rows_with_line_breaks': counts[2],
        'wider': wider,
    }) }}
{%- endmacro %}


{#- Stop the build at the first problem the last pass of the reader kept, other
    than a row's number of fields. -#}
{% macro raw_csv_stop_at_first_error(file, width) -%}
    {%- set problem = run_query(
        "select line, error_type, error_message from temp.main.raw_csv_errors "
        ~ "where error_type not in ('TOO MANY COLUMNS', 'MISSING COLUMNS') "
        ~ "order by line limit 1"
    ) -%}
    {%- if problem.rows | length > 0 -%}
        {%- set line = raw_csv_line_of_record(file, width, problem.rows[0][0]) -%}
        {{ raw_data_error(file ~ " line " ~ line ~ ": "
            ~ raw_csv_problem(problem.rows[0][1], problem.rows[0][2])) }}
    {%- endif -%}
{%- endmacro %}


{#- The line of the file that record `record` (the reader's count, header = 1)
    starts on: its record number plus the line breaks inside quoted values of the
    records before it (all read, as it is the first record the reader failed). -#}
{% macro raw_csv_line_of_record(file, width, record) -%}
    {%- set columns = [] -%}
    {%- for i in range(1, width + 1) -%}{%- do columns.append('c' ~ i) -%}{%- endfor -%}
    {%- set before = run_query(
        "select coalesce(sum(" ~ raw_csv_line_breaks(columns) ~ "), 0) from "
        ~ raw_csv_reader(file, width, 'ignore_errors = true')
        ~ " where ordinality < " ~ record
    ).columns[0].values()[0] -%}
    {{ return((record + before) | int) }}
{%- endmacro %}


{#- What a reader error means, in words. -#}
{% macro raw_csv_problem(error_type, error_message) -%}
    {%- set problems = {
        'INVALID ENCODING': 'not UTF-8 (an invalid byte sequence); export or save the file as UTF-8',
        'UNQUOTED VALUE': 'a broken quote: a quoted value is never closed, or text follows its closing quote',
        'LINE SIZE OVER MAXIMUM': 'a row longer than 2 MB, most likely from a quote that is never closed',
    } -%}
    {{ return(problems.get(error_type, (error_message or error_type) | replace('\n', ' '))) }}
{%- endmacro %}


{#- Line breaks inside the quoted values of a record. -#}
{% macro raw_csv_line_breaks(columns) -%}
    length(concat_ws('', {{ columns | join(', ') }}))
    - length(replace(concat_ws('', {{ columns | join(', ') }}), chr(10), ''))
{%- endmacro %}


{#- A record's fields written back as one CSV line: joined by commas, quoted where
    a field holds a comma, a quote or a line break. -#}
{% macro raw_csv_text(columns) -%}
    concat_ws(','
        {%- for column in columns %},
        case
            when
                instr({{ column }}, ',') > 0 or instr({{ column }}, '"') > 0
                or instr({{ column }}, chr(10)) > 0 or instr({{ column }}, chr(13)) > 0
                then '"' || replace({{ column }}, '"', '""') || '"'
            else {{ column }}
        end
        {%- endfor %}
    )
{%- endmacro %}
