{# One row per subscription cohort (month of a customer's first MRR > 0)
   and months_since_start k >= 0, up to the month of as_of_date (no cells
   for the future): cohort size, customers paying at the end of cohort
   month + k, their MRR, logo retention and revenue retention (MRR at k /
   MRR at k = 0). #}

with

customer_months as (

    select * from {{ ref('fct_customer_mrr_monthly') }}

),

months as (

    select * from {{ ref('util_months') }}

),

cohorts as (

    select
        cohort_month,
        count(*) as cohort_size,
        sum(mrr) as starting_mrr

    from customer_months

    where months_since_start = 0

    group by 1

),

cells as (

    select
        cohorts.cohort_month,
        cohorts.cohort_size,
        cohorts.starting_mrr,
        months.date_month,
        months.is_complete_period,
        {{ dbt.datediff('cohorts.cohort_month', 'months.date_month', 'month') }}
            as months_since_start

    from cohorts

    inner join months
        on cohorts.cohort_month <= months.date_month

),

retained as (

    select
        cohort_month,
        date_month,
        sum(case when is_paying then 1 else 0 end) as retained_customers,
        sum(mrr) as cohort_mrr

    from customer_months

    group by 1, 2

),

final as (

    select
        cast(cells.cohort_month as date) as cohort_month,
        cast(cells.months_since_start as {{ dbt.type_bigint() }})
            as months_since_start,
        cast(cells.date_month as date) as date_month,
        cast(cells.cohort_size as {{ dbt.type_bigint() }}) as cohort_size,
        cast(
            coalesce(retained.retained_customers, 0) as {{ dbt.type_bigint() }}
        )
            as retained_customers,
        cast(coalesce(retained.retained_customers, 0) as {{ type_double() }})
        / nullif(cells.cohort_size, 0) as logo_retention_rate,
        cast(coalesce(retained.cohort_mrr, 0) as decimal(18, 4))
            as cohort_mrr,
        cast(coalesce(retained.cohort_mrr, 0) as {{ type_double() }})
        / nullif(cells.starting_mrr, 0) as revenue_retention_rate,
        cells.is_complete_period

    from cells

    left join retained
        on
            cells.cohort_month = retained.cohort_month
            and cells.date_month = retained.date_month

)

select * from final
