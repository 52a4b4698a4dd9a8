{# One row per calendar month of util_days (from the month of the first
   recorded activity, never before var spine_start_month) to the month of
   as_of_date: month start, the next month's start, and the snapshot instant
   at which month-end states (MRR) are read: the end of the month, or the
   end of as_of_date for the current, incomplete month. #}

with

days as (

    select * from {{ ref('util_days') }}

),

as_of as (

    select * from {{ ref('util_as_of_date') }}

),

months as (

    select date_day as date_month

    from days

    where {{ dbt.date_trunc('month', 'date_day') }} = date_day

),

bounded as (

    select
        months.date_month,
        cast({{ dbt.dateadd('month', 1, 'months.date_month') }} as date)
            as next_month_start_date,
        as_of.as_of_date

    from months

    inner join as_of
        on months.date_month <= as_of.as_of_date

),

with_snapshot as (

    select
        date_month,
        next_month_start_date,
        cast(
            case
                when next_month_start_date <= as_of_date
                    then next_month_start_date
                else {{ dbt.dateadd('day', 1, 'as_of_date') }}
            end as {{ dbt.type_timestamp() }}
        ) as snapshot_at,
        next_month_start_date <= {{ dbt.dateadd('day', 1, 'as_of_date') }}
            as is_complete_period

    from bounded

)

select * from with_snapshot
