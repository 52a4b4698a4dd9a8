{# One row per succeeded payment: cash collected (a charge, positive) or
   returned (a refund, negative) in the reporting currency at the rate of
   the payment date. Failed attempts move no money. #}

with

payments as (

    select * from {{ ref('stg_billing__payments') }}

    where payment_status = 'succeeded'

),

fx_rates as (

    select * from {{ ref('int_fx_rates_filled_to_day') }}

),

converted as (

    select
        payments.payment_id,
        payments.customer_id,
        payments.payment_type,
        payments.currency_code,
        payments.created_at,
        {{ reporting_fx_rate('payments.currency_code', 'fx_rates') }}
            as fx_rate_to_reporting,
        case
            when payments.payment_type = 'refund' then -payments.amount
            else payments.amount
        end as signed_amount

    from payments

    left join fx_rates
        on
            payments.currency_code = fx_rates.currency_code
            and cast(payments.created_at as date) = fx_rates.rate_day

),

final as (

    select
        payment_id,
        customer_id,
        payment_type,
        currency_code,
        created_at,
        cast(fx_rate_to_reporting as decimal(18, 8)) as fx_rate_to_reporting,
        {{ to_amount('signed_amount * fx_rate_to_reporting') }}
            as collected_amount

    from converted

)

select * from final
