{# Counted independently of the base models: the raw rows that
   util_export_reconciliation reports equal the rows of each source table. #}
{% set exports = retention.raw_exports() %}

with

reconciliation as (

    select * from {{ ref('util_export_reconciliation') }}

),

source_counts as (
    {% for system, export in exports %}
    select
        '{{ export }}' as export_name,
        count(*) as source_rows
    from {{ source(system, export) }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

compared as (

    select
        source_counts.export_name,
        source_counts.source_rows,
        reconciliation.raw_rows

    from source_counts

    left join reconciliation
        on source_counts.export_name = reconciliation.export_name

    where
        reconciliation.raw_rows is null
        or reconciliation.raw_rows != source_counts.source_rows

)

select * from compared
