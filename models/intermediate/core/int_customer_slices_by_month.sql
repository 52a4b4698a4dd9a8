{# One row per customer (dim_customers) and month (util_months): the
   value of every customer slicing dimension in that month. segment,
   acquisition_channel and country_code are the customer's ('unknown' when
   missing); plan_tier is the tier of the customer's MRR in the month
   (fct_customer_mrr_monthly), kept in the month they churn so that churn
   counts in the tier it left, and 'none' in every other month without
   MRR. Every sliced mart reads its slices from here through the
   customer_slices macro, so a slice means the same in each of them. #}

{% set defaults = customer_slice_defaults() %}

with

customers as (

    select * from {{ ref('dim_customers') }}

),

months as (

    select * from {{ ref('util_months') }}

),

customer_months as (

    select * from {{ ref('fct_customer_mrr_monthly') }}

    where is_paying or movement = 'churn'

),

final as (

    select
        customers.customer_id,
        cast(months.date_month as date) as date_month,
        {%- for name in ['segment', 'acquisition_channel', 'country_code'] %}
        cast(
            coalesce(customers.{{ name }}, '{{ defaults[name] }}')
            as {{ dbt.type_string() }}
        ) as {{ name }},
        {%- endfor %}
        cast(
            coalesce(customer_months.plan_tier, '{{ defaults.plan_tier }}')
            as {{ dbt.type_string() }}
        ) as plan_tier

    from customers

    cross join months

    left join customer_months
        on
            customers.customer_id = customer_months.customer_id
            and months.date_month = customer_months.date_month

)

select * from final
