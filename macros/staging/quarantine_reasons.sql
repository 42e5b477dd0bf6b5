{#- Every problem of a raw row in one text, null when the row is clean.
    checks: a list of [reason, condition] pairs; reasons are reported in that order,
    comma separated, so a row with several problems is quarantined once with all of
    them. A malformed CSV row (more or fewer fields than the header, column
    is_malformed_row) has no fields to check: its one reason is malformed_row. -#}
{% macro quarantine_reasons(checks) -%}
    case
        when is_malformed_row then 'malformed_row'
        else nullif(concat_ws(
            ', ',
            {%- for reason, condition in checks %}
            case when {{ condition }} then '{{ reason }}' end
            {%- if not loop.last %},{% endif %}
            {%- endfor %}
        ), '')
    end
{%- endmacro %}


{#- True when a timestamp lies after the as-of date plus one day. -#}
{% macro is_future(timestamp_column) -%}
    cast({{ timestamp_column }} as date) > {{ dbt.dateadd('day', 1, as_of_date()) }}
{%- endmacro %}


{#- The ids that appear more than once among a CTE's rows, each with the position of
    its first row (the one kept; the later ones are duplicate_id): a query for a
    CTE. One aggregation, instead of numbering every row of the file by id. -#}
{% macro first_rows_of_repeated_ids(rows, id_column) -%}
    select
        {{ id_column }},
        min(source_row_number) as first_row_number
    from {{ rows }}
    where {{ id_column }} is not null
    group by {{ id_column }}
    having count(*) > 1
{%- endmacro %}
