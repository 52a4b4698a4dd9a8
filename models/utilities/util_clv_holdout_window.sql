{# One row: the holdout window of the lifetime-value back-tests
   (fct_clv_backtest). The window is the last var clv_holdout_months
   complete calendar months on or before as_of_date (a month is complete
   when it ends on or before as_of_date, as in fct_customer_mrr_monthly);
   the fits of the back-test see only data up to calibration_end, the day
   before the window starts. #}

{%- set holdout_months = var('clv_holdout_months') | int %}
{%- if holdout_months < 1 %}
    {{ exceptions.raise_compiler_error(
        "var clv_holdout_months must be a whole number of months >= 1, got "
        ~ var('clv_holdout_months')) }}
{%- endif %}

with

as_of as (

    select * from {{ ref('util_as_of_date') }}

),

-- the first day after the last complete month
month_after as (

    select
        as_of_date,
        cast(
            {{ dbt.date_trunc('month', dbt.dateadd('day', 1, 'as_of_date')) }}
            as date
        ) as month_after_start

    from as_of

),

windowed as (

    select
        as_of_date,
        cast(
            {{ dbt.dateadd('month', -holdout_months, 'month_after_start') }}
            as date
        ) as holdout_start_date,
        cast({{ dbt.dateadd('day', -1, 'month_after_start') }} as date)
            as holdout_end_date

    from month_after

)

select
    as_of_date,
    cast({{ dbt.dateadd('day', -1, 'holdout_start_date') }} as date)
        as calibration_end_date,
    holdout_start_date,
    holdout_end_date,
    cast({{ holdout_months }} as {{ dbt.type_int() }}) as holdout_months,
    cast(
        {{ dbt.datediff('holdout_start_date', 'holdout_end_date', 'day') }}
        + 1 as {{ dbt.type_int() }}
    ) as holdout_days

from windowed
