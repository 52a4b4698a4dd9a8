{# One row per complete month and contract length of the customers who
   started (new) or restarted (reactivation) paying in it: their MRR
   movement and count. The MRR forecast projects new business from the
   trailing months of this, each contract length surviving by its own
   fit. contract_months is the customer's sBG contract length (NULL when
   unknown). #}

with

customer_months as (

    select * from {{ ref('fct_customer_mrr_monthly') }}

),

lifetimes as (

    select * from {{ ref('int_subscription_lifetimes_summarized_to_customer') }}

)

select
    customer_months.date_month,
    lifetimes.contract_months,
    sum(customer_months.new_mrr + customer_months.reactivation_mrr)
        as new_business_mrr,
    count(*) as new_business_customers

from customer_months

left join lifetimes
    on customer_months.customer_id = lifetimes.customer_id

where
    customer_months.is_complete_period
    and customer_months.movement in ('new', 'reactivation')

group by customer_months.date_month, lifetimes.contract_months
