{#- The raw files on Spark (register_raw_sources): the same views, read with Spark's
    own readers through a table over each file (raw.<table>__file), since a view
    cannot take a reader's options. The file may be on any path Spark reads. -#}

{#- The files of the raw folder, listed by Spark's binaryFile source (its content
    is not read). -#}
{% macro spark__raw_file(raw_dir, table, required) -%}
    {%- set files = run_query(
        "select path from binaryFile.`" ~ raw_dir ~ "` "
        ~ "where path rlike '/" ~ table ~ "[.](parquet|csv)$' order by path"
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


{#- A table of the raw schema over a file, read by a Spark source with options. -#}
{% macro spark_raw_file_table(table, using, file, options={}, columns=none) -%}
    {%- set relation = api.Relation.create(schema='raw', identifier=table ~ '__file') -%}
    {%- do run_query('drop table if exists ' ~ relation) -%}
    {%- set option_list = ["path " ~ sql_string(file)] -%}
    {%- for key, value in options.items() -%}
        {%- do option_list.append(key ~ " " ~ sql_string(value)) -%}
    {%- endfor -%}
    {%- do run_query(
        "create table " ~ relation
        ~ (" (" ~ columns | join(", ") ~ ")" if columns else "")
        ~ " using " ~ using ~ " options (" ~ option_list | join(", ") ~ ")"
    ) -%}
    {{ return(relation) }}
{%- endmacro %}


{#- A row as JSON text, nulls kept: names and expressions. -#}
{% macro spark_raw_json(names, expressions) -%}
    to_json(named_struct(
        {%- for name in names %}
        {{ sql_string(name) }}, {{ expressions[loop.index0] }}{{ "," if not loop.last }}
        {%- endfor %}
    ), map('ignoreNullFields', 'false'))
{%- endmacro %}


{% macro spark__raw_parquet_select(file, table, spec) -%}
    {%- set relation = spark_raw_file_table(table, 'parquet', file) -%}
    {%- set types = {} -%}
    {%- for row in run_query('describe table ' ~ relation).rows
        if row[0] and not row[0].startswith('#') -%}
        {%- do types.update({row[0]: row[1] | lower}) -%}
    {%- endfor -%}
    {%- set present = types.keys() | list -%}
    {%- set matched = match_raw_columns(file, table, spec, present) -%}
    {%- set quoted = [] -%}
    {%- for name in present -%}{%- do quoted.append(raw_identifier(name)) -%}{%- endfor -%}
    {%- set body -%}
        select
            _metadata.row_index + 1 as source_row_number,
            cast(null as bigint) as source_line_number,
            {{ raw_parquet_columns(spec, matched, types) }}
            false as is_malformed_row,
            {{ spark_raw_json(present, quoted) }} as raw_record
        from {{ relation }}
    {%- endset -%}
    {{ return({'select': body, 'note': 'parquet'}) }}
{%- endmacro %}


{#- A CSV file with Spark's reader (multiLine, '"' quotes and escapes), as on
    DuckDB: the header read alone, then every record into header-width text columns
    and Spark's corrupt-record column, which holds the record's own text when it has
    more or fewer fields than the header: such a row is malformed, and that text is
    its raw record. Spark's reader reads an unquoted empty field as null, so a null
    cannot tell a missing field from an empty one; the field count can, and in a
    record that is not malformed a null is an empty field (empty text, as on
    DuckDB). Records are
    numbered in file order; lines count the line breaks inside quoted values. Spark's
    reader replaces bytes that are not UTF-8 with U+FFFD: the first such record stops
    the build. A quote that is never closed is not detected by Spark's reader: the
    rest of the file becomes one record, malformed. -#}
{% macro spark__raw_csv_select(file, table, spec) -%}
    {%- set options = {
        'header': 'false', 'multiLine': 'true', 'quote': '"', 'escape': '"',
        'mode': 'PERMISSIVE', 'nullValue': '\u0001', 'emptyValue': '', 'encoding': 'UTF-8',
    } -%}
    {%- set wide = [] -%}
    {%- for i in range(1, 257) -%}{%- do wide.append('c' ~ i ~ ' string') -%}{%- endfor -%}
    {%- set relation = spark_raw_file_table(table, 'csv', file, options, wide) -%}
    {%- set first = run_query(
        "select * from (select *, monotonically_increasing_id() as record_id from "
        ~ relation ~ ") as records order by record_id limit 1"
    ) -%}
    {%- if first.rows | length == 0 -%}
        {{ raw_data_error(file ~ " is empty: a CSV file needs a header row") }}
    {%- endif -%}
    {%- set header = first.rows[0][:-1] | reject('none') | list -%}
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
    {%- set columns = [] -%}
    {%- set typed = [] -%}
    {%- for i in range(1, fields + 1) -%}
        {%- do columns.append('c' ~ i) -%}
        {%- do typed.append('c' ~ i ~ ' string') -%}
    {%- endfor -%}
    {%- do typed.append('malformed_text string') -%}
    {%- do options.update({'columnNameOfCorruptRecord': 'malformed_text'}) -%}
    {%- set relation = spark_raw_file_table(table, 'csv', file, options, typed) -%}
    {%- set records -%}
        select
            *,
            row_number() over (order by monotonically_increasing_id()) as ordinality,
            case
                when is_malformed_row then {{ raw_csv_line_breaks(['malformed_text']) }}
                else {{ raw_csv_line_breaks(columns) }}
            end as line_breaks
        from (
            select *, malformed_text is not null as is_malformed_row
            from {{ relation }}
        ) as read
    {%- endset -%}
    {%- set checked = run_query(
        "select count(*) - 1, "
        ~ "count(case when ordinality > 1 and is_malformed_row then 1 end), "
        ~ "min(case when instr(concat_ws(''," ~ (columns + ['malformed_text']) | join(', ')
        ~ "), '\uFFFD') > 0 then ordinality end), sum(line_breaks) from (" ~ records ~ ") as r"
    ).rows[0] -%}
    {%- if checked[2] is not none -%}
        {%- set line = run_query(
            "select " ~ checked[2] ~ " + coalesce(sum(line_breaks), 0) from (" ~ records
            ~ ") as r where ordinality < " ~ checked[2]
        ).columns[0].values()[0] -%}
        {{ raw_data_error(file ~ " line " ~ line ~ ": "
            ~ raw_csv_problem('INVALID ENCODING', none)) }}
    {%- endif -%}
    {#- a record with as many fields as the header has them all: a null is an
        empty field, as DuckDB reads it -#}
    {%- set fields_as_text = [] -%}
    {%- for column in columns -%}
        {%- do fields_as_text.append("coalesce(" ~ column ~ ", '')") -%}
    {%- endfor -%}
    {%- set body -%}
        with records as (
            {{ records }}
        ),

        numbered as (
            select
                *,
                ordinality + coalesce(sum(line_breaks) over (
                    order by ordinality rows between unbounded preceding and 1 preceding
                ), 0) as line_number
            from records
        )

        select
            ordinality - 1 as source_row_number,
            line_number as source_line_number,
            {%- for column in spec.required_columns + spec.optional_columns %}
            {%- if column in matched %}
            case when not is_malformed_row
                then coalesce(c{{ header.index(matched[column]) + 1 }}, '') end
                as {{ column }},
            {%- else %}
            cast(null as string) as {{ column }},
            {%- endif %}
            {%- endfor %}
            is_malformed_row,
            case
                when is_malformed_row
                    then to_json(named_struct('row_text', malformed_text))
                else {{ spark_raw_json(header, fields_as_text) }}
            end as raw_record
        from numbered
        where ordinality > 1
    {%- endset -%}
    {%- set note = "{:,}".format(checked[0]) ~ " rows" -%}
    {%- if checked[1] -%}
        {%- set note = note ~ ", " ~ "{:,}".format(checked[1])
            ~ " with more or fewer fields than the header (quarantined as malformed_row)" -%}
    {%- endif -%}
    {{ return({'select': body, 'note': note}) }}
{%- endmacro %}
