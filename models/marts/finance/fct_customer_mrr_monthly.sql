{# One row per customer and month from the customer's first paying month
   through the month their MRR returns to 0 for the last time (or the month
   of as_of_date), gaps included: MRR at the month's end, the previous
   month's, and the movement between them (docs/metrics.md section 1).
   A month whose lines in force net to a negative amount (a downgrade credit
   in force while the base line is not) counts as MRR 0. For a customer
   paying at both month ends, fx_mrr is the exchange-rate effect
   (int_mrr_aggregated_to_customer_month) and only the rest of the change,
   mrr - previous_mrr - fx_mrr, is classified as expansion or contraction;
   fx_mrr is 0 in every other month. #}

with

customer_months as (

    select * from {{ ref('int_mrr_aggregated_to_customer_month') }}

),

months as (

    select * from {{ ref('util_months') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

paying_span as (

    select
        customer_id,
        min(case when mrr > 0 then date_month end) as first_paying_month,
        max(case when mrr > 0 then date_month end) as last_paying_month

    from customer_months

    group by 1

),

spine as (

    select
        paying_span.customer_id,
        paying_span.first_paying_month,
        months.date_month,
        months.is_complete_period

    from paying_span

    inner join months
        on
            paying_span.first_paying_month <= months.date_month
            and months.date_month <= {{ dbt.dateadd(
            'month', 1, 'paying_span.last_paying_month') }}

    where paying_span.first_paying_month is not null

),

filled as (

    select
        spine.customer_id,
        spine.date_month,
        spine.first_paying_month,
        spine.is_complete_period,
        customer_months.plan_tier,
        case
            when customer_months.mrr > 0 then customer_months.mrr
            else 0
        end as mrr,
        case
            when customer_months.mrr > 0 then customer_months.contract_mrr
            else 0
        end as contract_mrr,
        coalesce(customer_months.fx_mrr_candidate, 0) as fx_mrr_candidate,
        coalesce(customer_months.has_premium_plan, 0) = 1
        and customer_months.mrr > 0 as is_premium

    from spine

    left join customer_months
        on
            spine.customer_id = customer_months.customer_id
            and spine.date_month = customer_months.date_month

),

with_previous as (

    select
        *,
        coalesce(
            lag(mrr) over (partition by customer_id order by date_month), 0
        ) as previous_mrr,
        lag(plan_tier) over (
            partition by customer_id order by date_month
        ) as previous_plan_tier,
        -- paying streaks: a new island starts after every non-paying month
        sum(case when mrr > 0 then 0 else 1 end) over (
            partition by customer_id
            order by date_month
            rows between unbounded preceding and current row
        ) as gap_count

    from filled

),

with_fx as (

    select
        *,
        case
            when previous_mrr > 0 and mrr > 0 then fx_mrr_candidate else 0
        end as fx_mrr

    from with_previous

),

classified as (

    select
        *,
        mrr - previous_mrr - fx_mrr as business_change,
        case
            when
                previous_mrr = 0 and mrr > 0 and date_month = first_paying_month
                then 'new'
            when previous_mrr = 0 and mrr > 0 then 'reactivation'
            when previous_mrr > 0 and mrr = 0 then 'churn'
            when previous_mrr > 0 and mrr - previous_mrr - fx_mrr > 0
                then 'expansion'
            when previous_mrr > 0 and mrr - previous_mrr - fx_mrr < 0
                then 'contraction'
            else 'unchanged'
        end as movement,
        case
            when mrr > 0
                then row_number() over (
                    partition by customer_id, gap_count
                    order by date_month
                ) - case when gap_count > 0 then 1 else 0 end
            else 0
        end as paying_tenure_months

    from with_fx

),

final as (

    select
        cast(classified.customer_id as {{ dbt.type_string() }})
            as customer_id,
        cast(classified.date_month as date) as date_month,
        cast(classified.mrr as decimal(18, 4)) as mrr,
        cast(classified.contract_mrr as decimal(18, 4)) as contract_mrr,
        cast(classified.previous_mrr as decimal(18, 4)) as previous_mrr,
        cast(classified.mrr - classified.previous_mrr as decimal(18, 4))
            as mrr_change,
        cast(classified.movement as {{ dbt.type_string() }}) as movement,
        classified.mrr > 0 as is_paying,
        cast(
            case when classified.movement = 'new' then classified.mrr else 0 end
            as decimal(18, 4)
        ) as new_mrr,
        cast(
            case
                when classified.movement = 'reactivation' then classified.mrr
                else 0
            end as decimal(18, 4)
        ) as reactivation_mrr,
        cast(
            case
                when classified.movement = 'expansion'
                    then classified.business_change
                else 0
            end as decimal(18, 4)
        ) as expansion_mrr,
        cast(
            case
                when classified.movement = 'contraction'
                    then -classified.business_change
                else 0
            end as decimal(18, 4)
        ) as contraction_mrr,
        cast(
            case
                when classified.movement = 'churn' then classified.previous_mrr
                else 0
            end as decimal(18, 4)
        ) as churn_mrr,
        cast(classified.first_paying_month as date) as cohort_month,
        cast(
            {{ dbt.datediff('classified.first_paying_month',
                            'classified.date_month', 'month') }}
            as {{ dbt.type_bigint() }}
        ) as months_since_start,
        cast(classified.paying_tenure_months as {{ dbt.type_bigint() }})
            as paying_tenure_months,
        coalesce(classified.is_premium, false) as is_premium,
        cast(
            coalesce(classified.plan_tier, classified.previous_plan_tier)
            as {{ dbt.type_string() }}
        ) as plan_tier,
        cast(customers.segment as {{ dbt.type_string() }}) as segment,
        cast(customers.country_code as {{ dbt.type_string() }})
            as country_code,
        cast(customers.acquisition_channel as {{ dbt.type_string() }})
            as acquisition_channel,
        classified.is_complete_period,
        cast(classified.fx_mrr as decimal(18, 4)) as fx_mrr

    from classified

    left join customers
        on classified.customer_id = customers.customer_id

)

select * from final
