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
