{# Every lifetime-value model that has data to fit has an overall fit: a
   BG/NBD and a Gamma-Gamma fit when customers have orders, an sBG fit
   when customers have paid. A fit can fail on real data (say, every
   customer of a short history has churned, so the heterogeneity is not
   identified); the marts are still published, with NULL values for the
   model, and this warning names it. #}

{{ config(severity='warn',
    enabled=target.type == 'duckdb'
        or var('clv_fitted_parameters', none) is not none) }}

with

parameters as (

    select * from {{ ref('clv_model_parameters') }}

    where segment = 'overall'

),

needed as (

    select 'bgnbd' as model_name

    from {{ ref('int_orders_summarized_to_customer') }}

    where age_days > 0

    union

    select 'gamma_gamma' as model_name

    from {{ ref('int_orders_summarized_to_customer') }}

    where frequency > 0

    union

    select 'sbg' as model_name

    from {{ ref('fct_customer_mrr_monthly') }}

    where is_complete_period

),

missing as (

    select needed.model_name

    from needed

    left join parameters
        on needed.model_name = parameters.model

    where parameters.model is null

)

select * from missing
