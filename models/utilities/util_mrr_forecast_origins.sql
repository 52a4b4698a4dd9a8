{# One row per forecast origin of the MRR forecast: the end of the last
   complete month (months_back 0, the published forecast) and the ends of
   the months var mrr_forecast_backtest_months before it (the back-tests),
   each with the months it projects: var mrr_forecast_horizon_months for
   the published forecast, months_back for a back-test (the months whose
   actual MRR is known). Origins before the first month of the data are
   left out: the back-test has nothing to start from there. #}

{%- set horizon = var('mrr_forecast_horizon_months') | int %}
{%- set backtests = var('mrr_forecast_backtest_months') %}
{%- if horizon < 1 %}
    {{ exceptions.raise_compiler_error(
        "var mrr_forecast_horizon_months must be a whole number >= 1, got "
        ~ var('mrr_forecast_horizon_months')) }}
{%- endif %}
{%- if backtests | map('int') | select('lt', 1) | list %}
    {{ exceptions.raise_compiler_error(
        "var mrr_forecast_backtest_months must list whole numbers >= 1, got "
        ~ backtests) }}
{%- endif %}

with

months as (

    select * from {{ ref('util_months') }}

),

last_complete as (

    select
        max(date_month) as last_month,
        min(date_month) as first_month

    from months

    where is_complete_period

),

origins as (

    select
        cast(0 as {{ dbt.type_int() }}) as months_back,
        cast({{ horizon }} as {{ dbt.type_int() }}) as horizon_months
    {%- for months_back in backtests | map('int') | unique | sort %}

    union all

    select
        cast({{ months_back }} as {{ dbt.type_int() }}) as months_back,
        cast({{ months_back }} as {{ dbt.type_int() }}) as horizon_months
    {%- endfor %}

),

dated as (

    select
        origins.months_back,
        origins.horizon_months,
        cast(
            {{ dbt.dateadd(
                'month', '-origins.months_back', 'last_complete.last_month') }}
            as date
        ) as origin_month,
        last_complete.first_month

    from origins

    cross join last_complete

    where last_complete.last_month is not null

)

select
    dated.months_back,
    dated.origin_month,
    dated.horizon_months,
    months.snapshot_at as origin_snapshot_at

from dated

inner join months
    on dated.origin_month = months.date_month

where dated.origin_month >= dated.first_month
