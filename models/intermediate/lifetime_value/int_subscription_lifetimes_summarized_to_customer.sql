{# One row per subscription customer with at least one complete month: the
   sBG inputs of the first paying spell and the scoring inputs at
   as_of_date (the definitions are in the yml). SQL, so that every engine
   computes them; retention_lib.lifetime_value.subscription_lifetimes is
   the reference, checked equal on DuckDB. #}

with

customer_months as (

    select * from {{ ref('fct_customer_mrr_monthly') }}

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

)

select
    spells.customer_id,
    spells.cohort_month,
    coalesce(spells.churn_month_index, spells.last_month_index) as periods,
    spells.churn_month_index is not null as churned,
    latest.is_paying as is_paying_now,
    case
        when latest.is_paying then cast(latest.mrr as {{ type_double() }})
        else 0
    end as current_mrr,
    case
        when latest.is_paying
            then cast(latest.paying_tenure_months as {{ type_double() }}) - 1
    end as current_renewals

from spells

inner join latest
    on
        spells.customer_id = latest.customer_id
        and latest.recency_rank = 1
