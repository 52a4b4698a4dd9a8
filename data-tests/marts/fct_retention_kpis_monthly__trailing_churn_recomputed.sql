{# trailing_3m_customer_churn_rate recomputed with row windows over the
   month spine (an implementation independent of the self-join on months in
   fct_mrr_by_dimension_monthly, where it is computed): for a complete month
   the mean of customer_churn_rate over it and the two months before, NULL
   unless all three have a rate; for the month of as_of_date, when
   incomplete, the previous month's value. simple_clv is ARPA x var
   gross_margin / that rate. Returns the months that disagree. #}

with

kpis as (

    select * from {{ ref('fct_retention_kpis_monthly') }}

),

windowed as (

    select
        date_month,
        is_complete_period,
        trailing_3m_customer_churn_rate,
        simple_clv,
        cast(mrr as double precision)
        / nullif(paying_customers, 0) as unrounded_arpa,
        case
            when
                count(customer_churn_rate) over (
                    order by date_month
                    rows between 2 preceding and current row
                ) = 3
                then avg(customer_churn_rate) over (
                    order by date_month
                    rows between 2 preceding and current row
                )
        end as complete_month_rate

    from kpis

),

expected as (

    select
        *,
        case
            when is_complete_period then complete_month_rate
            else lag(complete_month_rate) over (order by date_month)
        end as expected_rate

    from windowed

)

select *

from expected

where
    abs(
        coalesce(trailing_3m_customer_churn_rate, -1)
        - coalesce(expected_rate, -1)
    ) > 1e-12
    or abs(
        coalesce(simple_clv, -1)
        - coalesce(
            unrounded_arpa * {{ var('gross_margin') }}
            / nullif(expected_rate, 0),
            -1
        )
    ) > 0.0001
