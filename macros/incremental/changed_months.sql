{#- Rows updated in place: a daily build re-derives from the earliest month whose
    input rows differ from what the model's table was built from (an order's status
    changed from pending to refunded weeks later, an answer corrected). Each side is
    summed up per month as (rows, sum of a hash of the compared columns); a month
    whose counts or sums differ on the two sides changed. See docs/daily-builds.md.

    compare: {'columns': [...], 'upstream': a select of the model's input,
              'kept': a select of the model's own table}, both returning
             month_start_date and the columns, cast to the same types.
    before: a SQL date; only the months before it are compared (the later ones are
            re-derived anyway). Returns a SQL date literal, or none when no earlier
            month changed. -#}
{% macro earliest_changed_month(compare, before) -%}
    {%- set hashed = "hash(" ~ compare['columns'] | join(", ") ~ ")" -%}
    {%- set sides = {} -%}
    {%- for side in ['upstream', 'kept'] -%}
        {%- do sides.update({side: "select month_start_date, count(*) as row_count, "
            ~ "sum(" ~ hashed ~ ") as row_hash_sum from (" ~ compare[side] ~ ") as "
            ~ side ~ "_rows where month_start_date < " ~ before
            ~ " group by month_start_date"}) -%}
    {%- endfor -%}
    {%- set query -%}
        select min(coalesce(upstream.month_start_date, kept.month_start_date))
        from ({{ sides['upstream'] }}) as upstream
        full outer join ({{ sides['kept'] }}) as kept
            on upstream.month_start_date = kept.month_start_date
        where
            upstream.month_start_date is null
            or kept.month_start_date is null
            or upstream.row_count != kept.row_count
            or upstream.row_hash_sum != kept.row_hash_sum
    {%- endset -%}
    {%- set changed = run_query(query).columns[0].values()[0] -%}
    {%- if changed is none -%}
        {{ return(none) }}
    {%- endif -%}
    {{ log(this.identifier ~ ": re-deriving from " ~ changed ~ ", where input rows "
           ~ "changed since the last build", info=true) }}
    {{ return("date '" ~ changed.isoformat()[:10] ~ "'") }}
{%- endmacro %}
