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


{% macro is_implausible(timestamp_column) -%}
    {{ local_date(timestamp_column) }} < cast('{{ var('min_plausible_date') }}' as date)
{%- endmacro %}


{% macro is_future(timestamp_column) -%}
    {{ local_date(timestamp_column) }} > {{ dbt.dateadd('day', 1, as_of_date()) }}
{%- endmacro %}


{% macro first_rows_of_repeated_ids(rows, id_column) -%}
    select
        {{ id_column }},
        min(source_row_number) as first_row_number
    from {{ rows }}
    where {{ id_column }} is not null
    group by {{ id_column }}
    having count(*) > 1
{%- endmacro %}
