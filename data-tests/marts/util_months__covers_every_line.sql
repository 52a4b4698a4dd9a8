{# The month spine starts no later than the month of the earliest service
   period; otherwise raise var spine_start_month. #}

with

lines as (

    select * from {{ ref('int_invoice_lines_normalized') }}

),

months as (

    select * from {{ ref('util_months') }}

),

earliest_line as (

    select min(period_start_at) as first_period_start_at from lines

),

first_month as (

    select min(date_month) as first_month from months

),

uncovered as (

    select
        earliest_line.first_period_start_at,
        first_month.first_month

    from earliest_line

    cross join first_month

    where earliest_line.first_period_start_at < first_month.first_month

)

select * from uncovered
