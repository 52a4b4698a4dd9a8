{# One row per back-test origin (var mrr_forecast_backtest_months before
   the last complete month) and month since: the MRR forecast made at the
   origin's end, with only the data known then, against the actual MRR
   (see the yml). #}

with

forecasts as (

    select * from {{ ref('int_mrr_forecasts_collected') }}

),

origin_customers as (

    select *
    from {{ ref('int_paying_customers_snapshotted_to_forecast_origin') }}

),

customer_months as (

    select * from {{ ref('fct_customer_mrr_monthly') }}

),

-- what the customers paying at each origin paid in each later month
existing_actuals as (

    select
        origin_customers.months_back,
        customer_months.date_month,
        sum(customer_months.mrr) as actual_existing_mrr

    from origin_customers

    inner join customer_months
        on
            origin_customers.customer_id = customer_months.customer_id
            and origin_customers.origin_month < customer_months.date_month

    group by origin_customers.months_back, customer_months.date_month

),

actuals as (

    select
        date_month,
        mrr

    from {{ ref('fct_mrr_by_dimension_monthly') }}

    where dimension_name = 'all'

),

compared as (

    select
        forecasts.months_back,
        forecasts.origin_month,
        forecasts.months_ahead,
        forecasts.forecast_month,
        forecasts.forecast_mrr,
        forecasts.forecast_mrr_p10,
        forecasts.forecast_mrr_p50,
        forecasts.forecast_mrr_p90,
        cast(actuals.mrr as {{ type_double() }}) as actual_mrr,
        forecasts.existing_mrr,
        cast(
            coalesce(existing_actuals.actual_existing_mrr, 0)
            as {{ type_double() }}
        ) as actual_existing_mrr,
        forecasts.origin_mrr,
        forecasts.origin_customers,
        forecasts.customers_without_fit,
        forecasts.fits

    from forecasts

    inner join actuals
        on forecasts.forecast_month = actuals.date_month

    left join existing_actuals
        on
            forecasts.months_back = existing_actuals.months_back
            and forecasts.forecast_month = existing_actuals.date_month

    where forecasts.months_back > 0

),

errors as (

    select
        *,
        case
            when actual_mrr > 0
                then abs(forecast_mrr - actual_mrr) / actual_mrr
        end as absolute_percentage_error,
        case
            when actual_existing_mrr > 0
                then
                    abs(existing_mrr - actual_existing_mrr)
                    / actual_existing_mrr
        end as existing_absolute_percentage_error,
        actual_mrr between forecast_mrr_p10 and forecast_mrr_p90
            as is_actual_within_p10_p90

    from compared

)

select
    months_back,
    origin_month,
    months_ahead,
    forecast_month,
    forecast_mrr,
    forecast_mrr_p10,
    forecast_mrr_p50,
    forecast_mrr_p90,
    actual_mrr,
    absolute_percentage_error,
    -- averaged as decimals: a sum of doubles depends on the rows' order
    cast(
        avg(cast(absolute_percentage_error as decimal(38, 18)))
            over (partition by months_back)
        as {{ type_double() }}
    ) as mean_absolute_percentage_error,
    is_actual_within_p10_p90,
    existing_mrr,
    actual_existing_mrr,
    existing_absolute_percentage_error,
    origin_mrr,
    origin_customers,
    customers_without_fit,
    fits

from errors
