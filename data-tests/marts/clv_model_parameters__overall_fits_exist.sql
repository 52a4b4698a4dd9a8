{# Every lifetime-value model that has data to fit has an identified fit
   covering all its customers: a BG/NBD and a Gamma-Gamma overall fit when
   customers have orders, an sBG fit for each contract length customers
   have paid on. A fit can fail or stay unidentified on real data (say,
   every customer of a short history has churned, or annual contracts
   have renewed once): the marts are still published, the customers it
   would have scored have NULL values with the reason, and this warning
   names the fit. #}

{{ config(severity='warn',
    enabled=target.type == 'duckdb'
        or var('clv_fitted_parameters', none) is not none) }}

with

covering as (

    select distinct
        model,
        coalesce(contract_months, 0) as contract_months

    from {{ ref('clv_model_parameters') }}

    where is_identified and fit_scope in ('overall', 'contract')

),

needed as (

    select
        'bgnbd' as model_name,
        0 as contract_months

    from {{ ref('int_orders_summarized_to_customer') }}

    where age_days > 0

    union

    select
        'gamma_gamma' as model_name,
        0 as contract_months

    from {{ ref('int_orders_summarized_to_customer') }}

    where frequency > 0

    union

    select
        'sbg' as model_name,
        contract_months

    from {{ ref('int_subscription_lifetimes_summarized_to_customer') }}

    where contract_months is not null

),

missing as (

    select
        needed.model_name,
        needed.contract_months

    from needed

    left join covering
        on
            needed.model_name = covering.model
            and needed.contract_months = covering.contract_months

    where covering.model is null

)

select * from missing
