{# Churn reasons account for every churned customer and all churned MRR of
   the month, and their shares add up to 1. #}

with

reasons as (

    select * from {{ ref('fct_churn_reasons_monthly') }}

),

kpis as (

    select * from {{ ref('fct_retention_kpis_monthly') }}

    where churned_customers > 0

),

summed as (

    select
        date_month,
        sum(churned_customers) as churned_customers,
        sum(churn_mrr) as churn_mrr,
        sum(churned_customer_share) as customer_share

    from reasons

    group by 1

),

compared as (

    select
        kpis.date_month,
        kpis.churned_customers,
        summed.churned_customers as reason_customers

    from kpis

    left join summed
        on kpis.date_month = summed.date_month

    where
        summed.date_month is null
        or summed.churned_customers != kpis.churned_customers
        or summed.churn_mrr != kpis.churn_mrr
        or abs(summed.customer_share - 1) > 1e-9

)

select * from compared
