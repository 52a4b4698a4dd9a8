{# One row per month and cancellation reason with at least one churned
   customer: churned customers and their churned MRR, with shares of the
   month's churn. A churned customer's reason is the cancel_reason of their
   subscription cancelled most recently by the churn month's snapshot;
   missing = 'unknown'. #}

with

customer_months as (

    select * from {{ ref('fct_customer_mrr_monthly') }}

    where movement = 'churn'

),

months as (

    select * from {{ ref('util_months') }}

),

subscriptions as (

    select * from {{ ref('stg_billing__subscriptions') }}

    where canceled_at is not null

),

reason_ranked as (

    select
        customer_months.customer_id,
        customer_months.date_month,
        customer_months.churn_mrr,
        subscriptions.cancel_reason,
        row_number() over (
            partition by customer_months.customer_id, customer_months.date_month
            order by subscriptions.canceled_at desc
        ) as reason_rank

    from customer_months

    inner join months
        on customer_months.date_month = months.date_month

    left join subscriptions
        on
            customer_months.customer_id = subscriptions.customer_id
            and months.snapshot_at > subscriptions.canceled_at

),

churned as (

    select
        date_month,
        coalesce(cancel_reason, 'unknown') as cancel_reason,
        count(*) as churned_customers,
        sum(churn_mrr) as churn_mrr

    from reason_ranked

    where reason_rank = 1

    group by 1, 2

),

final as (

    select
        cast(date_month as date) as date_month,
        cast(cancel_reason as {{ dbt.type_string() }}) as cancel_reason,
        cast(churned_customers as {{ dbt.type_bigint() }})
            as churned_customers,
        cast(churn_mrr as decimal(18, 4)) as churn_mrr,
        cast(churned_customers as {{ type_double() }})
        / sum(churned_customers) over (partition by date_month)
            as churned_customer_share,
        cast(churn_mrr as {{ type_double() }})
        / nullif(sum(churn_mrr) over (partition by date_month), 0)
            as churn_mrr_share

    from churned

)

select * from final
