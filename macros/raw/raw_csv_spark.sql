{#- CSV files on Spark (raw_csv.sql): Spark's CSV reader (multiLine, '"' quotes and
    escapes), through a table over the file, into header-width text columns and
    its corrupt-record column, which holds the record's own text when it has more
    or fewer fields than the header: such a row is malformed, and that text is its
    row_text. Spark reads an unquoted empty field as null; in a record that is not
    malformed a null is an empty field. Records are numbered in file order. Spark
    replaces bytes that are not UTF-8 with U+FFFD: the first such record stops the
    build. A quote that is never closed is not detected by Spark's reader: the rest
    of the file becomes one record, malformed. -#}

{#- The header, from the file's first line, split at the commas outside quotes
    (Spark's reader would read an unnamed last column as a missing one). -#}
{% macro spark__raw_csv_header(file) -%}
    {%- set first = run_query("select value from text.`" ~ file ~ "` limit 1") -%}
    {%- if first.rows | length == 0 or not first.rows[0][0] -%}
        {{ raw_data_error(file ~ " is empty: a CSV file needs a header row") }}
    {%- endif -%}
    {%- set names = [] -%}
    {%- for quoted, plain in modules.re.findall('(?:^|,)(?:"((?:[^"]|"")*)"|([^,]*))', first.rows[0][0]) -%}
        {%- do names.append(quoted | replace('""', '"') if quoted else plain) -%}
    {%- endfor -%}
    {{ return(names) }}
{%- endmacro %}


{% macro spark__raw_csv_records(file, fields) -%}
    {%- set columns = raw_csv_columns(fields) -%}
    {%- set typed = [] -%}
    {%- for column in columns -%}{%- do typed.append(column ~ ' string') -%}{%- endfor -%}
    {%- do typed.append('malformed_text string') -%}
    {%- set table = spark_raw_file_table(file.split('/')[-1].split('.')[0], 'csv', file, {
        'header': 'false', 'multiLine': 'true', 'quote': '"', 'escape': '"',
        'mode': 'PERMISSIVE', 'nullValue': '\u0001', 'emptyValue': '', 'encoding': 'UTF-8',
        'columnNameOfCorruptRecord': 'malformed_text',
    }, typed) -%}
    {%- set relation -%}
        (select
            *,
            row_number() over (order by monotonically_increasing_id()) as ordinality,
            malformed_text as row_text,
            case
                when is_malformed_row then {{ raw_csv_line_breaks(['malformed_text']) }}
                else {{ raw_csv_line_breaks(columns) }}
            end as line_breaks
        from (
            select *, malformed_text is not null as is_malformed_row
            from {{ table }}
        ) as read_records)
    {%- endset -%}
    {%- set checked = run_query(
        "select count(*) - 1, "
        ~ "count(case when ordinality > 1 and is_malformed_row then 1 end), "
        ~ "min(case when instr(concat_ws(''," ~ (columns + ['malformed_text']) | join(', ')
        ~ "), '\uFFFD') > 0 then ordinality end), sum(line_breaks) from " ~ relation ~ " as r"
    ).rows[0] -%}
    {%- if checked[2] is not none -%}
        {%- set line = run_query(
            "select " ~ checked[2] ~ " + coalesce(sum(line_breaks), 0) from " ~ relation
            ~ " as r where ordinality < " ~ checked[2]
        ).columns[0].values()[0] -%}
        {{ raw_data_error(file ~ " line " ~ line ~ ": " ~ raw_csv_problem('INVALID ENCODING', none)) }}
    {%- endif -%}
    {{ return({'relation': relation, 'rows': checked[0], 'malformed_rows': checked[1],
               'has_line_breaks': (checked[3] or 0) > 0}) }}
{%- endmacro %}
