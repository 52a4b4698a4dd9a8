{# One row per calendar day from the first day of the month of the first
   recorded activity (util_as_of_date.first_activity_date), but never
   before var spine_start_month, to as_of_date. #}

{% set max_days = 40000 %}  {# about 109 years from spine_start_month #}

with

as_of as (

    select * from {{ ref('util_as_of_date') }}

),

numbers as (

    {{ dbt.generate_series(max_days) }}

),

days as (

    select
        cast({{ dbt.dateadd(
            'day',
            'generated_number - 1',
            "cast('" ~ var('spine_start_month') ~ "' as date)"
        ) }} as date) as date_day

    from numbers

),

bounded as (

    select days.date_day

    from days

    inner join as_of
        on
            days.date_day <= as_of.as_of_date
            and (
                as_of.first_activity_date is null
                or days.date_day >= {{ dbt.date_trunc(
                    'month', 'as_of.first_activity_date') }}
            )

)

select * from bounded
