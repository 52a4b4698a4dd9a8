{# The discounted residual lifetimes, summed as one suffix sum per fit,
   obey the recursion that defines them: a customer in period n of a
   contract of L months pays the next period (L months) with probability
   s_n = (beta + n - 1) / (alpha + beta + n - 1) and is then in period
   n + 1, L months later; in months:
   DERL(n) = s_n (L + DERL(n + 1) / (1 + monthly discount)^L).
   A wrong term, a wrong sign or a sum stopped too early breaks it. #}

{{ config(enabled=target.type == 'duckdb'
    or var('clv_fitted_parameters', none) is not none) }}

{%- set settings = clv_settings() %}

with

residual as (

    select *
    from {{ ref('int_residual_lifetimes_discounted_to_segment_period') }}

),

parameters as (

    {{ clv_fit_parameters('sbg', ['alpha', 'beta']) }}

),

checked as (

    select
        residual.segment,
        residual.period,
        residual.discounted_expected_residual_lifetime_months as derl,
        (parameters.beta + residual.period - 1)
        / (parameters.alpha + parameters.beta + residual.period - 1)
        * (
            residual.contract_months
            + next_period.discounted_expected_residual_lifetime_months
            / power(
                1 + {{ double_literal(settings.monthly_discount) }},
                residual.contract_months
            )
        ) as recursed

    from residual

    inner join parameters
        on residual.segment = parameters.segment

    inner join residual as next_period
        on
            residual.segment = next_period.segment
            and residual.period + 1 = next_period.period

)

select * from checked

where abs(derl - recursed) > 1e-9 * recursed
