{#- The raw values of the base models typed: text cleaned and parsed, columns the
    input already typed read as they are (docs/raw-data.md). -#}

{% macro parse_timestamp(expression) -%}
    {{ return(adapter.dispatch('parse_timestamp', 'loyalty_warehouse')(clean_text(expression))) }}
{%- endmacro %}

{#- Spark's cast reads an offset, UTC and an IANA zone name (a repeated wall time as
    its first occurrence); it would also read a name without a slash (CET, EST), which
    is refused first, as on DuckDB. -#}
{% macro default__parse_timestamp(text) -%}
    case
        when
            {{ text }} rlike '[A-Za-z]$'
            and not {{ text }} rlike '[0-9] *[zZ]$'
            and not {{ text }} rlike '{{ timestamp_zone_pattern() }}'
            then null
        when {{ text }} rlike '[A-Za-z]$'
            or {{ text }} rlike ':[0-9][0-9]([.][0-9]+)? *[+-][0-9][0-9](:?[0-9][0-9])?$'
            then {{ loyalty_warehouse.try_cast(text, 'timestamp') }}
        else {{ raw_wall_time_to_utc(loyalty_warehouse.try_cast(text, 'timestamp')) }}
    end
{%- endmacro %}

{#- DuckDB's plain timestamp cast ignores an offset or a zone name after the time, and
    the zone-aware one (ICU) is four times slower: it is taken only for text ending in
    one. ICU reads a repeated wall time (the hour a clock turned back) as its later
    occurrence: the earlier one is taken, as on Spark. -#}
{% macro duckdb__parse_timestamp(text) -%}
    case
        when regexp_matches({{ text }}, ':\d\d(\.\d+)?\s*([zZ]|[+-]\d\d(:?\d\d)?)$')
            then {{ utc_timestamp(loyalty_warehouse.try_cast(text, 'timestamptz')) }}
        when not regexp_matches({{ text }}, '[A-Za-z]$')
            then {{ raw_wall_time_to_utc(loyalty_warehouse.try_cast(text, 'timestamp')) }}
        when regexp_matches({{ text }}, '{{ timestamp_zone_pattern() }}')
            then {{ duckdb_first_occurrence(
                utc_timestamp(loyalty_warehouse.try_cast(text, 'timestamptz')),
                loyalty_warehouse.try_cast("regexp_replace(" ~ text ~ ", ' +[^ ]+$', '')", 'timestamp'),
                "regexp_extract(" ~ text ~ ", '([^ ]+)$', 1)"
            ) }}
    end
{%- endmacro %}


{% macro timestamp_zone_pattern() -%}
    :[0-9][0-9](:[0-9][0-9]([.][0-9]+)?)? +(UTC|GMT|[A-Za-z]+(/[A-Za-z0-9_+-]+)+)$
{%- endmacro %}


{% macro duckdb_first_occurrence(utc, wall_time, zone) -%}
    {%- set valid_zone = "case when " ~ utc ~ " is null then 'UTC' else " ~ zone ~ " end" -%}
    case
        {%- for shift in ['1 hour', '30 minutes'] %}
        when timezone({{ valid_zone }}, timezone('UTC', {{ utc }} - interval '{{ shift }}'))
            = {{ wall_time }}
            then {{ utc }} - interval '{{ shift }}'
        {%- endfor %}
        else {{ utc }}
    end
{%- endmacro %}


{% macro parse_number(text, data_type) -%}
    {%- set scale = (data_type.split(',')[1] | replace(')', '') | trim) if ',' in data_type else '4' -%}
    case
        when {{ matches_pattern(text, '^[+-]?([0-9]+([.][0-9]{0,' ~ scale ~ '})?|[.][0-9]{1,' ~ scale ~ '})$') }}
            then {{ loyalty_warehouse.try_cast(text, data_type) }}
    end
{%- endmacro %}


{% macro matches_pattern(expression, pattern) -%}
    {{ return(adapter.dispatch('matches_pattern', 'loyalty_warehouse')(expression, pattern)) }}
{%- endmacro %}

{% macro default__matches_pattern(expression, pattern) -%}
    ({{ expression }} rlike '{{ pattern }}')
{%- endmacro %}

{% macro duckdb__matches_pattern(expression, pattern) -%}
    regexp_matches({{ expression }}, '{{ pattern }}')
{%- endmacro %}


{% macro clean_text(expression) -%}
    case
        when trim({{ expression }}) in ({{ missing_value_tokens() | join(', ') }}) then null
        else trim({{ expression }})
    end
{%- endmacro %}


{% macro missing_value_tokens() -%}
    {{ return(adapter.dispatch('missing_value_tokens', 'loyalty_warehouse')()) }}
{%- endmacro %}

{% macro default__missing_value_tokens() -%}
    {{ return(["''", "'NULL'", "'null'", "'\\N'"]) }}
{%- endmacro %}

{#- Spark reads a backslash in a string literal as an escape: double it. -#}
{% macro spark__missing_value_tokens() -%}
    {{ return(["''", "'NULL'", "'null'", "'\\\\N'"]) }}
{%- endmacro %}


{% macro raw_timestamp(relation, column) -%}
    {%- set data_type = raw_column_type(relation, column) -%}
    {#- an instant: DuckDB's timestamptz, Spark's timestamp (its timestamp_ntz is a
        wall time, like DuckDB's timestamp) -#}
    {%- if data_type.startswith('timestamp with time zone') or data_type == 'timestamptz'
        or (target.type == 'spark' and data_type == 'timestamp') -%}
        {{ utc_timestamp(column) }}
    {%- elif is_temporal_type(data_type) -%}
        {{ raw_wall_time_to_utc('cast(' ~ column ~ ' as timestamp)') }}
    {%- else -%}
        {{ parse_timestamp(column) }}
    {%- endif -%}
{%- endmacro %}


{% macro raw_number(relation, column, data_type) -%}
    {%- if is_numeric_type(raw_column_type(relation, column)) -%}
        {{ try_cast(column, data_type) }}
    {%- else -%}
        {{ parse_number(clean_text(column), data_type) }}
    {%- endif -%}
{%- endmacro %}


{% macro raw_is_missing(relation, column) -%}
    {%- if raw_column_type(relation, column) in ['varchar', 'string'] -%}
        ({{ clean_text(column) }} is null)
    {%- else -%}
        ({{ column }} is null)
    {%- endif -%}
{%- endmacro %}


{% macro raw_column_type(relation, column) -%}
    {%- if execute -%}
        {%- for found in adapter.get_columns_in_relation(relation) -%}
            {%- if found.name | lower == column -%}
                {{ return(found.dtype | lower) }}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return('varchar') }}
{%- endmacro %}


{% macro utc_timestamp(expression) -%}
    {{ return(adapter.dispatch('utc_timestamp', 'loyalty_warehouse')(expression)) }}
{%- endmacro %}

{% macro default__utc_timestamp(expression) -%}
    timezone('UTC', {{ expression }})
{%- endmacro %}

{#- A Spark timestamp is an instant, shown in the session time zone (UTC). -#}
{% macro spark__utc_timestamp(expression) -%}
    cast({{ expression }} as timestamp)
{%- endmacro %}


{% macro raw_date(relation, column) -%}
    {%- if is_temporal_type(raw_column_type(relation, column)) -%}
        cast({{ column }} as date)
    {%- else -%}
        case
            when {{ matches_pattern(clean_text(column), '^[0-9]{4}-[0-9]{2}-[0-9]{2}$') }}
                then {{ loyalty_warehouse.try_cast(clean_text(column), 'date') }}
        end
    {%- endif -%}
{%- endmacro %}
