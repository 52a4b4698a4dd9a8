{# One row per invoice issued (not void or draft): its total in the
   reporting currency at the rate of its issue date, with the dates that
   decide when it is receivable. #}

with

invoices as (

    select * from {{ ref('stg_billing__invoices') }}

    where invoice_status in ('paid', 'open', 'uncollectible')

),

fx_rates as (

    select * from {{ ref('int_fx_rates_filled_to_day') }}

),

converted as (

    select
        invoices.invoice_id,
        invoices.customer_id,
        invoices.invoice_status,
        invoices.currency_code,
        invoices.issued_at,
        invoices.paid_at,
        {{ reporting_fx_rate('invoices.currency_code', 'fx_rates') }}
            as fx_rate_to_reporting,
        invoices.total_amount

    from invoices

    left join fx_rates
        on
            invoices.currency_code = fx_rates.currency_code
            and cast(invoices.issued_at as date) = fx_rates.rate_day

),

final as (

    select
        invoice_id,
        customer_id,
        invoice_status,
        currency_code,
        issued_at,
        paid_at,
        cast(fx_rate_to_reporting as decimal(18, 8)) as fx_rate_to_reporting,
        {{ to_amount('total_amount * fx_rate_to_reporting') }}
            as total_amount

    from converted

)

select * from final
