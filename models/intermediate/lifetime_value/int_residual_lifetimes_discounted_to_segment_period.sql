{# One row per identified sBG fit (segment of clv_model_parameters) and
   period n of its contract from 1 to the latest period a paying
   subscription customer is in: the undiscounted and the discounted
   expected residual lifetime of a customer in period n, in months (the
   definitions are in the yml). SQL on every engine; retention_lib.clv is
   the reference, checked equal on DuckDB.

   With s_j = S(j) / S(j - 1) = (beta + j - 1) / (alpha + beta + j - 1),
   L(m) = ln s_1 + ... + ln s_m and, for a contract of c months, z = 1 /
   (1 + monthly discount)^c per period, the DERL of Fader and Hardie
   (2010) in periods is
     sum over m >= n of z^(m - n) exp(L(m) - L(n - 1))
     = [sum over m >= n of exp(m ln z + L(m))] / exp(n ln z + L(n - 1)):
   one running sum of logs and one suffix sum per fit serve every period
   (no hypergeometric function, no recursion); c times it is in months.
   The sum stops clv_settings().sbg_tail_months periods after the last
   period scored, where z^m alone is below 1e-17 of the total (a period
   is at least a month). #}

{#- a table, not a view: several tests and models read it (DECISIONS
    114) #}
{{ config(materialized='table') }}

{%- set settings = clv_settings() %}
{#- periods scored are at most the months since var spine_start_month:
    40,000 days cover about 109 years #}
{%- set max_period = 1320 %}

with

lifetimes as (

    select * from {{ ref('int_subscription_lifetimes_summarized_to_customer') }}

),

sbg as (

    {{ clv_fit_parameters('sbg', ['alpha', 'beta']) }}

),

last_period as (

    select coalesce(max(current_contract_renewals), 0) + 1 as period

    from lifetimes

    where is_paying_now

),

months as (

    select cast(generated_number as {{ dbt.type_int() }}) as month_index

    from ({{ dbt.generate_series(
        max_period + settings.sbg_tail_months) }}) as numbers

    where
        generated_number <= (select last_period.period from last_period)
        + {{ settings.sbg_tail_months }}

),

-- ln z^m + L(m): the log of month m's discounted survival
survival as (

    select
        sbg.segment,
        sbg.contract_months,
        sbg.alpha,
        sbg.beta,
        months.month_index,
        sum(ln(
            (sbg.beta + months.month_index - 1)
            / (sbg.alpha + sbg.beta + months.month_index - 1)
        ))
            over (
                partition by sbg.segment
                order by months.month_index
                rows between unbounded preceding and current row
            ) as log_survival_ratio

    from sbg

    cross join months

),

discounted as (

    select
        segment,
        contract_months,
        alpha,
        beta,
        month_index,
        log_survival_ratio,
        cast(month_index * contract_months as {{ type_double() }})
        * ln({{ double_literal(1 / (1 + settings.monthly_discount)) }})
        + log_survival_ratio as log_discounted_survival

    from survival

),

suffix_sums as (

    select
        segment,
        contract_months,
        alpha,
        beta,
        month_index,
        log_discounted_survival,
        -- n ln z + L(n - 1)
        log_discounted_survival - log_survival_ratio
        + coalesce(lag(log_survival_ratio) over (
            partition by segment order by month_index
        ), 0) as log_denominator,
        sum({{ exp_or_zero('log_discounted_survival') }}) over (
            partition by segment
            order by month_index
            rows between current row and unbounded following
        ) as later_discounted_survival

    from discounted

),

final as (

    select
        segment,
        contract_months,
        month_index as period,
        -- c (beta + n - 1) / (alpha - 1); no mean when alpha <= 1
        case
            when alpha > 1
                then contract_months * ((beta + month_index - 1) / (alpha - 1))
        end as expected_remaining_lifetime_months,
        contract_months * (later_discounted_survival / exp(log_denominator))
            as discounted_expected_residual_lifetime_months

    from suffix_sums

    where month_index <= (select last_period.period from last_period)

)

select * from final
