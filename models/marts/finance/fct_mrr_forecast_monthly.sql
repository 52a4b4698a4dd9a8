{# One row per month of the MRR forecast after the last complete month
   (see the yml and docs/metrics.md, the MRR forecast): the forecast made
   at the end of the last complete month, with the absolute percentage
   error the same forecast made months_ahead months earlier reached at
   its last month (fct_mrr_forecast_backtest), where that back-test
   exists. #}

with

forecasts as (

    select * from {{ ref('int_mrr_forecasts_collected') }}

),

backtests as (

    select * from {{ ref('fct_mrr_forecast_backtest') }}

),

as_of as (

    select * from {{ ref('util_as_of_date') }}

)

select
    forecasts.forecast_month,
    forecasts.months_ahead,
    forecasts.origin_month,
    forecasts.forecast_mrr,
    forecasts.forecast_mrr_p10,
    forecasts.forecast_mrr_p50,
    forecasts.forecast_mrr_p90,
    forecasts.existing_mrr,
    forecasts.known_cancelled_mrr,
    forecasts.new_business_mrr,
    forecasts.expected_existing_customers,
    forecasts.origin_mrr,
    forecasts.origin_customers,
    forecasts.customers_without_fit,
    forecasts.mrr_without_fit,
    forecasts.retained_mrr_growth_rate,
    forecasts.trailing_new_business_mrr,
    forecasts.trailing_customer_churn_rate,
    forecasts.trailing_months,
    forecasts.draws,
    forecasts.fits,
    backtests.absolute_percentage_error as backtest_absolute_percentage_error,
    backtests.origin_month as backtest_origin_month,
    as_of.as_of_date

from forecasts

cross join as_of

left join backtests
    on
        forecasts.months_ahead = backtests.months_back
        and backtests.months_ahead = backtests.months_back

where forecasts.months_back = 0
