{# Every customer-month with MRR > 0 in the aggregation is in the mart with
   the same MRR: no customer disappears because a subscription has no end
   date or their history starts early. #}

with

aggregated as (

    select * from {{ ref('int_mrr_aggregated_to_customer_month') }}

    where mrr > 0

),

customer_months as (

    select * from {{ ref('fct_customer_mrr_monthly') }}

),

missing as (

    select
        aggregated.customer_id,
        aggregated.date_month,
        aggregated.mrr

    from aggregated

    left join customer_months
        on
            aggregated.customer_id = customer_months.customer_id
            and aggregated.date_month = customer_months.date_month

    where
        customer_months.customer_id is null
        or customer_months.mrr != aggregated.mrr

)

select * from missing
