{#- CSV files on DuckDB (raw_csv.sql): DuckDB's CSV reader without its sniffer, so
    that a malformed first row cannot be taken for the header.

    Records are read into header-width + 1 text columns padded with nulls (an
    empty field stays empty text, so only a missing field is null): the extra
    column holds a field beyond the header's, a null in the header's last column a
    missing one (duckdb_csv_is_malformed). DuckDB's own field-count check is not
    enough: it accepts a row with one field too many when that field is empty (a
    trailing comma), which is what `1,234.50` unquoted before an empty cost looks
    like.

    Before the view, the header is read (its first record), then the whole file by
    two readers of DuckDB 2.0.1 that each stop at what the other misses:
    - the padding reader (sequential, null_padding; duckdb_csv_pass) counts the
      rows, the malformed ones and those with a line break inside a quoted value,
      and stops at a value that is not UTF-8, text after a closing quote or a row
      over the line limit. It checks UTF-8 only in the columns it reads, and a row
      with more fields than that is rejected, its last fields unchecked
      (`O2,C1,2024-01-02,completed,1,2,3,caf\xe9` read at 7 columns): a file with
      such rows is read again, as wide as the widest.
    - the parallel reader (a count) stops at a quote never closed, which the
      padding reader reads as a value running to the end of the file without an
      error: a row `O2,C1,"2024-01-06,...` followed by more rows becomes one
      malformed row (tests_python/fixtures/unreadable/broken_quote), and a quote
      opened in the last field of the last line reads as a valid row.
    The parallel reader cannot do the padding reader's work: with null_padding it
    refuses a file whose quoted values hold a line break, without it it accepts
    the trailing empty field above, and its count converts no value, so it checks
    no UTF-8. The padding reader goes first: it gives the width at which the line
    of either reader's first error is counted. -#}
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
    {#- then the parallel reader, for a quote never closed -#}
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
            case when is_malformed_row then {{ duckdb_csv_text(wide) }} end as row_text,
            {{ raw_csv_line_breaks(wide) }} as line_breaks
        from (
            select *, {{ duckdb_csv_is_malformed(fields) }} as is_malformed_row
            from {{ duckdb_csv_reader(file, checked.width) }}
        ) as read_records)
    {%- endset -%}
    {{ return({'relation': relation, 'rows': checked.rows, 'malformed_rows': checked.malformed_rows,
               'has_line_breaks': checked.rows_with_line_breaks > 0}) }}
{%- endmacro %}


{% macro duckdb_csv_is_malformed(fields) -%}
    (c{{ fields + 1 }} is not null or c{{ fields }} is null)
{%- endmacro %}


{% macro duckdb_csv_pass(file, fields, width) -%}
    {#- returns {width, rows, malformed_rows, rows_with_line_breaks, wider} -#}
    {%- set counts = run_query(
        "select count(*), count(*) filter (where " ~ duckdb_csv_is_malformed(fields) ~ "), "
        ~ "count(*) filter (where instr(concat_ws('', " ~ raw_csv_columns(width) | join(', ')
        ~ "), chr(10)) > 0) "
        ~ "from " ~ duckdb_csv_reader(file, width, duckdb_csv_rejects_options())
        ~ " where ordinality > 1"
    ).rows[0] -%}
    {%- set wider = run_query(
        "select max(length(csv_line) - length(replace(csv_line, ',', '')) + 2) "
        ~ "from temp.main.raw_csv_errors where error_type = 'TOO MANY COLUMNS'"
    ).columns[0].values()[0] -%}
    {%- set wider = wider | int if wider else none -%}
    {%- do duckdb_csv_stop_at_first_error(file, wider or width) -%}
    {{ return({'width': width, 'rows': counts[0], 'malformed_rows': counts[1],
               'rows_with_line_breaks': counts[2], 'wider': wider}) }}
{%- endmacro %}


{% macro duckdb_csv_column_types(width) -%}
    {#- returns read_csv's columns, as text -#}
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
    {#- returns read_csv options, as text -#}
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
