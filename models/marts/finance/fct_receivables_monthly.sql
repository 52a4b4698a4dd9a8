{# One row per month from the first month with an issued invoice to the
   month of as_of_date: amount invoiced in the month (invoices issued
   before its snapshot, i.e. month end or the end of as_of_date), accounts
   receivable at the snapshot (invoices issued before it, not paid before
   it and not written off, i.e. not marked uncollectible; the written-off
   amount is published apart) and dso_days = accounts receivable /
   invoiced amount x days in the period (days up to the snapshot for the
   month of as_of_date). The earlier definitions, written-off invoices
   included, stay as accounts_receivable_incl_written_off and
   dso_days_incl_written_off. Amounts are in the reporting currency at the
   rate of each invoice's issue date. #}

with

invoices as (

    select * from {{ ref('int_invoices_converted') }}

),

months as (

    select * from {{ ref('util_months') }}

),

first_month as (

    select
        cast({{ dbt.date_trunc('month', 'min(issued_at)') }} as date)
            as first_month

    from invoices

),

periods as (

    select
        months.date_month,
        months.snapshot_at,
        months.is_complete_period,
        {{ dbt.datediff('months.date_month', 'months.snapshot_at', 'day') }}
            as days_in_period

    from months

    inner join first_month
        on months.date_month >= first_month.first_month

),

invoiced as (

    select
        periods.date_month,
        count(*) as invoices_issued,
        sum(invoices.total_amount) as invoiced_amount

    from periods

    inner join invoices
        on
            periods.date_month <= invoices.issued_at
            and periods.snapshot_at > invoices.issued_at

    group by 1

),

receivable as (

    select
        periods.date_month,
        count(*) as open_invoices,
        sum(invoices.total_amount) as receivable_incl_written_off,
        sum(
            case
                when invoices.invoice_status = 'uncollectible'
                    then invoices.total_amount
                else 0
            end
        ) as uncollectible_receivable

    from periods

    inner join invoices
        on
            periods.snapshot_at > invoices.issued_at
            and (
                invoices.paid_at is null
                or periods.snapshot_at <= invoices.paid_at
            )

    group by 1

),

final as (

    select
        cast(periods.date_month as date) as date_month,
        cast(periods.days_in_period as {{ dbt.type_bigint() }})
            as days_in_period,
        cast(coalesce(invoiced.invoices_issued, 0) as {{ dbt.type_bigint() }})
            as invoices_issued,
        cast(coalesce(invoiced.invoiced_amount, 0) as decimal(18, 4))
            as invoiced_amount,
        cast(coalesce(receivable.open_invoices, 0) as {{ dbt.type_bigint() }})
            as open_invoices,
        cast(
            coalesce(
                receivable.receivable_incl_written_off
                - receivable.uncollectible_receivable,
                0
            ) as decimal(18, 4)
        ) as accounts_receivable,
        cast(
            coalesce(receivable.uncollectible_receivable, 0) as decimal(18, 4)
        ) as uncollectible_receivable,
        cast(
            coalesce(
                receivable.receivable_incl_written_off
                - receivable.uncollectible_receivable,
                0
            ) as {{ type_double() }}
        )
        / nullif(invoiced.invoiced_amount, 0)
        * periods.days_in_period as dso_days,
        periods.is_complete_period,
        cast(
            coalesce(receivable.receivable_incl_written_off, 0)
            as decimal(18, 4)
        ) as accounts_receivable_incl_written_off,
        cast(
            coalesce(receivable.receivable_incl_written_off, 0)
            as {{ type_double() }}
        )
        / nullif(invoiced.invoiced_amount, 0)
        * periods.days_in_period as dso_days_incl_written_off

    from periods

    left join invoiced
        on periods.date_month = invoiced.date_month

    left join receivable
        on periods.date_month = receivable.date_month

)

select * from final
