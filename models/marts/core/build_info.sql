{#- One row: what this build of the marts is. The published snapshot carries it, so
    a BI user can tell which data and which code a dashboard shows. project_commit
    comes from LOYALTY_PROJECT_COMMIT, which `loyalty build` sets to the project's git
    commit ('-dirty' with uncommitted changes); 'unknown' in a plain `dbt build`. -#}

select
    {{ as_of_date() }} as as_of_date,
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as timestamp) as built_at,
    '{{ env_var("LOYALTY_PROJECT_COMMIT", "unknown") }}' as project_commit,
    '{{ invocation_id }}' as dbt_invocation_id,
    '{{ project_name }}' as project_name,
    '{{ dbt_version }}' as dbt_version,
    '{{ target.type }}' as engine,
    cast({{ var('publish_max_raw_drop_share') }} as double) as publish_max_raw_drop_share,
    '{{ var('reporting_currency') }}' as reporting_currency
