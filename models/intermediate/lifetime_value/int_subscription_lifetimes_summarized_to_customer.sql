{# One row per subscription customer with at least one complete month: the
   sBG inputs of the first paying spell, in months and in renewal periods
   of the customer's own contract, and the scoring inputs at as_of_date
   (the definitions are in the yml). SQL, so that every engine computes
   them; retention_lib.lifetime_value.subscription_lifetimes is the
   reference, checked equal on DuckDB. #}

{#- a table, not a view: several tests and models read it (DECISIONS
    114) #}
{{ config(materialized='table') }}

with

customer_months as (

    select * from {{ ref('fct_customer_mrr_monthly') }}

),

lines as (

    select * from {{ ref('int_invoice_lines_normalized') }}

),

plans as (

    select * from {{ ref('stg_billing__plans') }}

),

as_of as (

    select * from {{ ref('util_as_of_date') }}

),

-- the contract length of each customer's first paid service: the plan of
-- its earliest subscription line with a positive monthly amount, issued
-- by as_of_date
paid_lines as (

    select
        lines.customer_id,
        plans.billing_period_months,
        row_number() over (
            partition by lines.customer_id
            order by lines.period_start_at, lines.line_item_id
        ) as line_rank

    from lines

    inner join plans
        on lines.plan_id = plans.plan_id

    inner join as_of
        on cast(lines.issued_at as date) <= as_of.as_of_date

    where
        lines.line_type = 'subscription'
        and lines.monthly_amount > 0

),

contracts as (

    select
        customer_id,
        cast(billing_period_months as {{ dbt.type_bigint() }})
            as contract_months

    from paid_lines

    where line_rank = 1

),

spells as (

    select
        customer_id,
        min(cohort_month) as cohort_month,
        max(months_since_start) as last_month_index,
        min(case when not is_paying then months_since_start end)
            as churn_month_index

    from customer_months

    where is_complete_period

    group by customer_id

),

latest as (

    select
        customer_id,
        is_paying,
        mrr,
        paying_tenure_months,
        row_number() over (
            partition by customer_id order by date_month desc
        ) as recency_rank

    from customer_months

),

lifetimes as (

    select
        spells.customer_id,
        spells.cohort_month,
        coalesce(spells.churn_month_index, spells.last_month_index)
            as periods,
        spells.churn_month_index is not null as churned,
        latest.is_paying as is_paying_now,
        case
            when latest.is_paying
                then cast(latest.mrr as {{ type_double() }})
            else 0
        end as current_mrr,
        case
            when latest.is_paying
                then
                    cast(latest.paying_tenure_months as {{ type_double() }})
                    - 1
        end as current_renewals,
        contracts.contract_months

    from spells

    inner join latest
        on
            spells.customer_id = latest.customer_id
            and latest.recency_rank = 1

    left join contracts
        on spells.customer_id = contracts.customer_id

)

select
    customer_id,
    cohort_month,
    periods,
    churned,
    is_paying_now,
    current_mrr,
    current_renewals,
    contract_months,
    -- churned: the contract period it did not renew after, ceil(k / L);
    -- censored: the renewals made by the last complete month, floor(k / L)
    cast(
        case
            when churned
                then ceil(
                    cast(periods as {{ type_double() }}) / contract_months
                )
            else floor(cast(periods as {{ type_double() }}) / contract_months)
        end
        as {{ dbt.type_bigint() }}
    ) as contract_periods,
    cast(
        floor(current_renewals / contract_months) as {{ dbt.type_bigint() }}
    ) as current_contract_renewals

from lifetimes
