{# Every slicing dimension partitions the customers: per month and
   dimension, the slices' MRR, movements and counts add up to the totals of
   fct_retention_kpis_monthly. #}

with

slices as (

    select * from {{ ref('fct_mrr_by_dimension_monthly') }}

),

kpis as (

    select * from {{ ref('fct_retention_kpis_monthly') }}

),

summed as (

    select
        date_month,
        dimension_name,
        sum(mrr) as mrr,
        sum(churn_mrr) as churn_mrr,
        sum(paying_customers) as paying_customers,
        sum(churned_customers) as churned_customers

    from slices

    group by 1, 2

),

compared as (

    select
        summed.*,
        kpis.mrr as total_mrr

    from summed

    inner join kpis
        on summed.date_month = kpis.date_month

    where
        summed.mrr != kpis.mrr
        or summed.churn_mrr != kpis.churn_mrr
        or summed.paying_customers != kpis.paying_customers
        or summed.churned_customers != kpis.churned_customers

)

select * from compared
