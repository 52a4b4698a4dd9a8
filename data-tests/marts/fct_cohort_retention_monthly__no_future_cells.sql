{# A cohort cell after as_of_date does not exist (no zeros for the future),
   and every month up to it does. #}

with

cells as (

    select * from {{ ref('fct_cohort_retention_monthly') }}

),

as_of as (

    select * from {{ ref('util_as_of_date') }}

),

future as (

    select
        cells.cohort_month,
        cells.months_since_start

    from cells

    cross join as_of

    where cells.date_month > as_of.as_of_date

)

select * from future
