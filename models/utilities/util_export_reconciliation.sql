{# One row per raw export: raw rows, exact duplicates removed, staged rows
   and quarantined rows, so that raw = staged + quarantined + duplicates
   can be tested for every export. #}

{% set exports = retention.raw_exports() %}

with

{% for system, export in exports %}
validated_{{ export }} as (

    select * from {{ ref('base_' ~ system ~ '__' ~ export) }}

),

staged_{{ export }} as (

    select * from {{ ref('stg_' ~ system ~ '__' ~ export) }}

),

{% endfor %}
validated_counts as (
    {% for system, export in exports %}
    select
        '{{ export }}' as export_name,
        coalesce(sum(copies), 0) as raw_rows,
        coalesce(sum(copies - 1), 0) as duplicate_rows_removed,
        count(quarantine_reason) as quarantined_rows
    from validated_{{ export }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

staged_counts as (
    {% for system, export in exports %}
    select
        '{{ export }}' as export_name,
        count(*) as staged_rows
    from staged_{{ export }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

reconciled as (

    select
        validated_counts.export_name,
        {#- counts are BIGINT on every engine (a sum of counts is HUGEINT on
            DuckDB, which Parquet stores as a float) #}
        cast(validated_counts.raw_rows as {{ dbt.type_bigint() }})
            as raw_rows,
        cast(validated_counts.duplicate_rows_removed as {{ dbt.type_bigint() }})
            as duplicate_rows_removed,
        cast(staged_counts.staged_rows as {{ dbt.type_bigint() }})
            as staged_rows,
        cast(validated_counts.quarantined_rows as {{ dbt.type_bigint() }})
            as quarantined_rows

    from validated_counts

    inner join staged_counts
        on validated_counts.export_name = staged_counts.export_name

)

select * from reconciled
