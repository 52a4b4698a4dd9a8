{# Month m starts where month m-1 ended: mrr_start(m) = mrr(m-1) and
   paying_customers_start(m) = paying_customers(m-1), for every month. #}

with

kpis as (

    select * from {{ ref('fct_retention_kpis_monthly') }}

),

paired as (

    select
        current_month.date_month,
        current_month.mrr_start,
        previous_month.mrr as previous_mrr,
        current_month.paying_customers_start,
        previous_month.paying_customers as previous_paying_customers

    from kpis as current_month

    inner join kpis as previous_month
        on
            previous_month.date_month
            = {{ dbt.dateadd('month', -1, 'current_month.date_month') }}

)

select * from paired

where
    mrr_start != previous_mrr
    or paying_customers_start != previous_paying_customers
