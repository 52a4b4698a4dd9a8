{# The slice all is the whole business: its ARPA, trailing churn and
   simple CLV (computed by a self-join on months) equal those of
   fct_retention_kpis_monthly (computed over a month spine with row
   windows), month by month, including the month of as_of_date. #}

with

slices as (

    select * from {{ ref('fct_mrr_by_dimension_monthly') }}

    where dimension_name = 'all'

),

kpis as (

    select * from {{ ref('fct_retention_kpis_monthly') }}

),

compared as (

    select
        kpis.date_month,
        kpis.simple_clv as kpi_simple_clv,
        slices.simple_clv as slice_simple_clv

    from kpis

    left join slices
        on kpis.date_month = slices.date_month

    where
        kpis.paying_customers > 0
        and (
            slices.date_month is null
            or not (
                coalesce(slices.arpa, -1) = coalesce(kpis.arpa, -1)
                and coalesce(slices.simple_clv, -1)
                = coalesce(kpis.simple_clv, -1)
                and abs(
                    coalesce(slices.trailing_3m_customer_churn_rate, -1)
                    - coalesce(kpis.trailing_3m_customer_churn_rate, -1)
                ) < 1e-12
            )
        )

)

select * from compared
