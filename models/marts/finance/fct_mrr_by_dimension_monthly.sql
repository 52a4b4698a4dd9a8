{# One row per month, slicing dimension (segment, plan_tier,
   acquisition_channel, country_code) and its value: MRR, its movements and
   the headline rates within the slice. A customer belongs to the slice of
   their attribute in month m (churned customers keep their last plan
   tier), so the MRR bridge holds within every slice. #}

{% set dimensions = [
    'segment', 'plan_tier', 'acquisition_channel', 'country_code'
] %}

with

customer_months as (

    select * from {{ ref('fct_customer_mrr_monthly') }}

),

unpivoted as (
    {% for dimension in dimensions %}
    select
        date_month,
        '{{ dimension }}' as dimension_name,
        coalesce({{ dimension }}, 'unknown') as dimension_value,
        mrr,
        previous_mrr,
        new_mrr,
        reactivation_mrr,
        expansion_mrr,
        contraction_mrr,
        churn_mrr,
        is_paying,
        movement
    from customer_months
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

aggregated as (

    select
        date_month,
        dimension_name,
        dimension_value,
        sum(mrr) as mrr,
        sum(previous_mrr) as mrr_start,
        sum(new_mrr) as new_mrr,
        sum(reactivation_mrr) as reactivation_mrr,
        sum(expansion_mrr) as expansion_mrr,
        sum(contraction_mrr) as contraction_mrr,
        sum(churn_mrr) as churn_mrr,
        sum(case when is_paying then 1 else 0 end) as paying_customers,
        sum(case when previous_mrr > 0 then 1 else 0 end)
            as paying_customers_start,
        sum(case when movement = 'churn' then 1 else 0 end)
            as churned_customers

    from unpivoted

    group by 1, 2, 3

),

final as (

    select
        cast(date_month as date) as date_month,
        cast(dimension_name as {{ dbt.type_string() }}) as dimension_name,
        cast(dimension_value as {{ dbt.type_string() }}) as dimension_value,
        cast(mrr as decimal(18, 4)) as mrr,
        cast(mrr_start as decimal(18, 4)) as mrr_start,
        cast(new_mrr as decimal(18, 4)) as new_mrr,
        cast(reactivation_mrr as decimal(18, 4)) as reactivation_mrr,
        cast(expansion_mrr as decimal(18, 4)) as expansion_mrr,
        cast(contraction_mrr as decimal(18, 4)) as contraction_mrr,
        cast(churn_mrr as decimal(18, 4)) as churn_mrr,
        cast(paying_customers as {{ dbt.type_bigint() }}) as paying_customers,
        cast(paying_customers_start as {{ dbt.type_bigint() }})
            as paying_customers_start,
        cast(churned_customers as {{ dbt.type_bigint() }})
            as churned_customers,
        cast(churned_customers as double) / nullif(paying_customers_start, 0)
            as customer_churn_rate,
        cast(mrr_start + expansion_mrr - contraction_mrr - churn_mrr as double)
        / nullif(mrr_start, 0) as nrr_monthly,
        cast(mrr_start - contraction_mrr - churn_mrr as double)
        / nullif(mrr_start, 0) as grr_monthly

    from aggregated

)

select * from final
