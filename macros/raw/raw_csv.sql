{% macro raw_csv_select(file, table, spec) -%}
    {#- returns {select: the raw view's query, note: the rows read, for the build's log} -#}
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
    {%- set names = [] -%}
    {%- set fields = [] -%}
    {%- for name in header -%}
        {%- do names.append(name if name | trim else 'column_' ~ loop.index) -%}
        {%- do fields.append("coalesce(c" ~ loop.index ~ ", '')") -%}
    {%- endfor -%}
    {%- set matched = match_raw_columns(file, table, spec, names) -%}
    {#- an extra column whose name repeats an earlier one's (any case) is kept in
        raw_record by its position -#}
    {%- set record_names = [] -%}
    {%- for name in names -%}
        {%- set earlier = record_names | map('lower') | list -%}
        {%- do record_names.append('column_' ~ loop.index if name | lower in earlier else name) -%}
    {%- endfor -%}
    {%- set records = raw_csv_records(file, header | length) -%}
    {%- if records.has_line_breaks -%}
        {%- set line_number -%}
            ordinality + coalesce(sum(line_breaks) over (
                order by ordinality rows between unbounded preceding and 1 preceding
            ), 0)
        {%- endset -%}
    {%- else -%}
        {%- set line_number = 'ordinality' -%}
    {%- endif -%}
    {%- set body -%}
        with records as (
            select *, {{ line_number }} as line_number
            from {{ records.relation }} as read_records
        )

        select
            ordinality - 1 as source_row_number,
            line_number as source_line_number,
            {%- for column in spec.required_columns + spec.optional_columns %}
            {%- if column in matched %}
            case when not is_malformed_row
                then {{ fields[names.index(matched[column])] }} end as {{ column }},
            {%- else %}
            cast(null as {{ dbt.type_string() }}) as {{ column }},
            {%- endif %}
            {%- endfor %}
            is_malformed_row,
            case
                when is_malformed_row then {{ raw_json_object(['row_text'], ['row_text']) }}
                else {{ raw_json_object(record_names, fields) }}
            end as raw_record
        from records
        where ordinality > 1
    {%- endset -%}
    {%- set note = "{:,}".format(records.rows) ~ " rows" -%}
    {%- if records.malformed_rows -%}
        {%- set note = note ~ ", " ~ "{:,}".format(records.malformed_rows)
            ~ " with more or fewer fields than the header (quarantined as malformed_row)" -%}
    {%- endif -%}
    {{ return({'select': body, 'note': note}) }}
{%- endmacro %}


{% macro raw_csv_header(file) -%}
    {#- returns the header's names, a list -#}
    {{ return(adapter.dispatch('raw_csv_header', 'loyalty_warehouse')(file)) }}
{%- endmacro %}


{% macro raw_csv_records(file, fields) -%}
    {#- returns {relation, rows, malformed_rows, has_line_breaks} (macros/_macros.yml) -#}
    {{ return(adapter.dispatch('raw_csv_records', 'loyalty_warehouse')(file, fields)) }}
{%- endmacro %}


{% macro raw_csv_columns(width) -%}
    {#- returns the list ['c1', ..., 'c<width>'] -#}
    {%- set columns = [] -%}
    {%- for i in range(1, width + 1) -%}{%- do columns.append('c' ~ i) -%}{%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}


{% macro raw_csv_line_breaks(columns) -%}
    length(concat_ws('', {{ columns | join(', ') }}))
    - length(replace(concat_ws('', {{ columns | join(', ') }}), chr(10), ''))
{%- endmacro %}


{% macro raw_csv_problem(error_type, error_message) -%}
    {#- returns a sentence, for raw_data_error -#}
    {%- if error_type == 'LINE SIZE OVER MAXIMUM' -%}
        {%- set size = modules.re.search('Actual Size: *(\d+)', error_message or '') -%}
        {%- set megabytes = (size.group(1) | int / 1000000) if size else none -%}
        {{ return(
            "a row " ~ ("of {:.1f} MB ".format(megabytes) if size else "")
            ~ "longer than the reader's limit of " ~ var('raw_csv_max_line_mb') ~ " MB: a "
            ~ "quoted value that long, or a quote never closed; if the row is right, raise "
            ~ "the limit with --vars '{raw_csv_max_line_mb: "
            ~ ((megabytes | round(0, 'ceil') | int + 1) if size else var('raw_csv_max_line_mb') * 10)
            ~ "}'"
        ) }}
    {%- endif -%}
    {%- set problems = {
        'INVALID ENCODING': 'not UTF-8 (an invalid byte sequence); export or save the file as UTF-8',
        'UNQUOTED VALUE': 'a broken quote: a quoted value is never closed, or text follows its closing quote',
    } -%}
    {{ return(problems.get(error_type, (error_message or error_type) | replace('\n', ' '))) }}
{%- endmacro %}


{% macro raw_csv_max_line_bytes() -%}
    {#- returns an integer -#}
    {{ return((var('raw_csv_max_line_mb') * 1000000) | int) }}
{%- endmacro %}
