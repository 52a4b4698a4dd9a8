{# One row per acquisition cohort (month of a customer's first MRR > 0),
   acquisition channel ('all' and each channel) and months_since_start
   k >= 0 up to the month of as_of_date: cohort size, revenue collected
   from the cohort in cohort month + k (succeeded charges minus refunds,
   reporting currency; payments before the cohort month count at k = 0),
   the cumulative collected revenue per cohort customer up to k (CCR), the
   cohort's CAC (fct_acquisition_monthly for its month and channel) and
   payback_month = the first k whose CCR per customer >= cohort CAC (NULL
   while not reached or without a CAC; the same on every row of the
   cohort). #}

{% set payment_month = dbt.date_trunc('month', 'payments.created_at') %}

with

customer_months as (

    select * from {{ ref('fct_customer_mrr_monthly') }}

),

payments as (

    select * from {{ ref('int_payments_converted') }}

),

acquisition as (

    select * from {{ ref('fct_acquisition_monthly') }}

),

months as (

    select * from {{ ref('util_months') }}

),

as_of as (

    select * from {{ ref('util_as_of_date') }}

),

cohort_customers as (

    select
        customer_id,
        cohort_month,
        coalesce(acquisition_channel, 'unknown') as acquisition_channel

    from customer_months

    where months_since_start = 0

),

cohort_channels as (

    select
        customer_id,
        cohort_month,
        acquisition_channel

    from cohort_customers

    union all

    select
        customer_id,
        cohort_month,
        'all' as acquisition_channel

    from cohort_customers

),

cohorts as (

    select
        cohort_month,
        acquisition_channel,
        count(*) as cohort_size

    from cohort_channels

    group by 1, 2

),

cells as (

    select
        cohorts.cohort_month,
        cohorts.acquisition_channel,
        cohorts.cohort_size,
        months.date_month,
        months.snapshot_at,
        months.is_complete_period,
        {{ dbt.datediff('cohorts.cohort_month', 'months.date_month', 'month') }}
            as months_since_start

    from cohorts

    inner join months
        on cohorts.cohort_month <= months.date_month

),

payment_months as (

    select
        cohort_channels.cohort_month,
        cohort_channels.acquisition_channel,
        case
            when payments.created_at < cohort_channels.cohort_month
                then cohort_channels.cohort_month
            else cast({{ payment_month }} as date)
        end as date_month,
        sum(payments.collected_amount) as collected_revenue

    from cohort_channels

    inner join payments
        on cohort_channels.customer_id = payments.customer_id

    inner join as_of
        on
            payments.created_at
            < {{ dbt.dateadd('day', 1, 'as_of.as_of_date') }}

    group by 1, 2, 3

),

with_revenue as (

    select
        cells.*,
        coalesce(payment_months.collected_revenue, 0) as collected_revenue

    from cells

    left join payment_months
        on
            cells.cohort_month = payment_months.cohort_month
            and cells.acquisition_channel = payment_months.acquisition_channel
            and cells.date_month = payment_months.date_month

),

cumulative as (

    select
        *,
        sum(collected_revenue) over (
            partition by cohort_month, acquisition_channel
            order by months_since_start
            rows between unbounded preceding and current row
        ) as cumulative_revenue

    from with_revenue

),

with_cac as (

    select
        cumulative.*,
        cast(cumulative.cumulative_revenue as {{ type_double() }})
        / cumulative.cohort_size as ccr_per_customer,
        acquisition.cac as cohort_cac

    from cumulative

    left join acquisition
        on
            cumulative.cohort_month = acquisition.date_month
            and cumulative.acquisition_channel
            = acquisition.acquisition_channel

),

payback as (

    select
        cohort_month,
        acquisition_channel,
        min(months_since_start) as payback_month

    from with_cac

    where ccr_per_customer >= cohort_cac

    group by 1, 2

),

final as (

    select
        cast(with_cac.cohort_month as date) as cohort_month,
        cast(with_cac.acquisition_channel as {{ dbt.type_string() }})
            as acquisition_channel,
        cast(with_cac.months_since_start as {{ dbt.type_bigint() }})
            as months_since_start,
        cast(with_cac.date_month as date) as date_month,
        cast(with_cac.cohort_size as {{ dbt.type_bigint() }}) as cohort_size,
        cast(with_cac.collected_revenue as decimal(18, 4))
            as collected_revenue,
        cast(with_cac.cumulative_revenue as decimal(18, 4))
            as cumulative_revenue,
        {{ to_amount('with_cac.ccr_per_customer') }}
            as ccr_per_customer,
        cast(with_cac.cohort_cac as decimal(18, 4)) as cohort_cac,
        cast(payback.payback_month as {{ dbt.type_bigint() }})
            as payback_month,
        with_cac.is_complete_period

    from with_cac

    left join payback
        on
            with_cac.cohort_month = payback.cohort_month
            and with_cac.acquisition_channel = payback.acquisition_channel

)

select * from final
