{# Audit query: quarantined rows per export, reason and column, with the
   share of the export's raw rows. Compile with `dbt compile` and run it
   against the published database. #}

with

quarantined as (

    select * from {{ ref('util_quarantined_rows') }}

),

reconciliation as (

    select * from {{ ref('util_export_reconciliation') }}

),

counted as (

    select
        export_name,
        reason,
        column_name,
        count(*) as quarantined_rows

    from quarantined

    group by 1, 2, 3

),

with_share as (

    select
        counted.export_name,
        counted.reason,
        counted.column_name,
        counted.quarantined_rows,
        cast(counted.quarantined_rows as double)
        / nullif(reconciliation.raw_rows, 0) as share_of_raw_rows

    from counted

    inner join reconciliation
        on counted.export_name = reconciliation.export_name

)

select * from with_share
