{#- CSV files on DuckDB (raw_csv.sql): DuckDB's CSV reader without its sniffer, so
    that a malformed first row cannot be taken for the header.

    The file is read in two passes before the view: a file that cannot be read (not
    UTF-8, a broken quote, a line over the reader's maximum) stops the build with
    its line, and the rows with more or fewer fields than the header are counted.
    Each pass catches what the other misses: the parallel reader misses some invalid
    UTF-8, the padding reader a quote left open at the end. The padding reader goes
    first: the parallel one takes a quoted value longer than its line limit for a
    broken quote, where the padding one names the line's size.

    Records are read into header-width + 1 text columns padded with nulls (an
    empty field stays empty text, so only a missing field is null): the extra
    column holds a field beyond the header's, a null in the header's last column a
    missing one. DuckDB's own field-count check is not enough: it accepts a row
    with one field too many when that field is empty (a trailing comma), which is
    what `1,234.50` unquoted before an empty cost looks like. Rows with still more
    fields are rejected by the first pass, which then reads the file wider. -#}
{% macro duckdb__raw_csv_header(file) -%}
    {%- set width = 256 -%}
    {%- set first = run_query(
        "select * exclude (ordinality) from "
        ~ duckdb_csv_reader(file, width, duckdb_csv_rejects_options()) ~ " limit 1"
    ) -%}
    {%- set problem = run_query(
        "select error_type, error_message from temp.main.raw_csv_errors where line = 1 limit 1"
    ) -%}
    {%- if problem.rows | length > 0 and problem.rows[0][0] == 'TOO MANY COLUMNS' -%}
        {{ raw_data_error(file ~ " line 1: the header has more than " ~ width ~ " columns") }}
    {%- elif problem.rows | length > 0 -%}
        {{ raw_data_error(file ~ " line 1: " ~ raw_csv_problem(problem.rows[0][0], problem.rows[0][1])) }}
    {%- elif first.rows | length == 0 -%}
        {{ raw_data_error(file ~ " is empty: a CSV file needs a header row") }}
    {%- endif -%}
    {{ return(first.rows[0] | reject('none') | list) }}
{%- endmacro %}


{% macro duckdb__raw_csv_records(file, fields) -%}
    {%- set checked = duckdb_csv_pass(file, fields, fields + 1) -%}
    {%- if checked.wider -%}
        {%- set checked = duckdb_csv_pass(file, fields, checked.wider) -%}
    {%- endif -%}
    {#- then the parallel strict reader: it stops at a quote left open at the end -#}
    {%- do run_query(
        "select count(*) from read_csv(" ~ sql_string(file) ~ ", header = false, "
        ~ "auto_detect = false, skip = 0, delim = ',', quote = '\"', escape = '\"', "
        ~ "strict_mode = true, nullstr = chr(1), max_line_size = " ~ raw_csv_max_line_bytes()
        ~ ", columns = {" ~ duckdb_csv_column_types(fields) ~ "}, "
        ~ duckdb_csv_rejects_options() ~ ")"
    ) -%}
    {%- do duckdb_csv_stop_at_first_error(file, checked.width) -%}
    {%- set wide = raw_csv_columns(checked.width) -%}
    {%- set relation -%}
        (select
            *,
            c{{ fields + 1 }} is not null or c{{ fields }} is null as is_malformed_row,
            case when c{{ fields + 1 }} is not null or c{{ fields }} is null
                then {{ duckdb_csv_text(wide) }} end as row_text,
            {{ raw_csv_line_breaks(wide) }} as line_breaks
        from {{ duckdb_csv_reader(file, checked.width) }})
    {%- endset -%}
    {{ return({'relation': relation, 'rows': checked.rows, 'malformed_rows': checked.malformed_rows,
               'has_line_breaks': checked.rows_with_line_breaks > 0}) }}
{%- endmacro %}


{% macro duckdb_csv_pass(file, fields, width) -%}
    {%- set columns = raw_csv_columns(width) -%}
    {%- set counts = run_query(
        "select count(*), "
        ~ "count(*) filter (where c" ~ (fields + 1) ~ " is not null or c" ~ fields ~ " is null), "
        ~ "count(*) filter (where " ~ raw_csv_line_breaks(columns) ~ " > 0) "
        ~ "from " ~ duckdb_csv_reader(file, width, duckdb_csv_rejects_options())
        ~ " where ordinality > 1"
    ).rows[0] -%}
    {%- do duckdb_csv_stop_at_first_error(file, width) -%}
    {%- set wider = run_query(
        "select max(length(csv_line) - length(replace(csv_line, ',', '')) + 2) "
        ~ "from temp.main.raw_csv_errors where error_type = 'TOO MANY COLUMNS'"
    ).columns[0].values()[0] -%}
    {{ return({'width': width, 'rows': counts[0], 'malformed_rows': counts[1],
               'rows_with_line_breaks': counts[2], 'wider': wider | int if wider else none}) }}
{%- endmacro %}


{% macro duckdb_csv_column_types(width) -%}
    {%- set columns = [] -%}
    {%- for column in raw_csv_columns(width) -%}
        {%- do columns.append("'" ~ column ~ "': 'varchar'") -%}
    {%- endfor -%}
    {{ return(columns | join(', ')) }}
{%- endmacro %}


{% macro duckdb_csv_reader(file, width, options='') -%}
    (select * from read_csv(
        {{ sql_string(file) }}, header = false, auto_detect = false, skip = 0,
        delim = ',', quote = '"', escape = '"', strict_mode = true,
        null_padding = true, parallel = false, nullstr = chr(1),
        max_line_size = {{ raw_csv_max_line_bytes() }},
        columns = { {{- duckdb_csv_column_types(width) -}} }{{ ', ' ~ options if options }}
    ) with ordinality)
{%- endmacro %}


{% macro duckdb_csv_rejects_options() -%}
    {%- do run_query('drop table if exists temp.main.raw_csv_errors') -%}
    {%- do run_query('drop table if exists temp.main.raw_csv_scans') -%}
    {{ return("store_rejects = true, rejects_table = 'raw_csv_errors', rejects_scan = 'raw_csv_scans'") }}
{%- endmacro %}


{% macro duckdb_csv_stop_at_first_error(file, width) -%}
    {%- set problem = run_query(
        "select line, error_type, error_message from temp.main.raw_csv_errors "
        ~ "where error_type not in ('TOO MANY COLUMNS', 'MISSING COLUMNS') "
        ~ "order by line limit 1"
    ) -%}
    {%- if problem.rows | length > 0 -%}
        {%- set record = problem.rows[0][0] -%}
        {%- set before = run_query(
            "select coalesce(sum(" ~ raw_csv_line_breaks(raw_csv_columns(width)) ~ "), 0) from "
            ~ duckdb_csv_reader(file, width, 'ignore_errors = true') ~ " where ordinality < " ~ record
        ).columns[0].values()[0] -%}
        {{ raw_data_error(file ~ " line " ~ (record + before) | int ~ ": "
            ~ raw_csv_problem(problem.rows[0][1], problem.rows[0][2])) }}
    {%- endif -%}
{%- endmacro %}


{% macro duckdb_csv_text(columns) -%}
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
