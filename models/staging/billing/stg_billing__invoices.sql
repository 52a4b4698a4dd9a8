{# Staged `invoices`: one row per invoice. Rows that break the contract are
   in util_quarantined_rows instead. #}

with

validated as (

    select * from {{ ref('base_billing__invoices') }}

    where quarantine_reason is null

),

renamed as (

    select
        ---------- ids
        invoice_id,
        customer_id,
        subscription_id,
        ---------- strings
        status as invoice_status,
        currency as currency_code,
        ---------- numerics
        cast(subtotal as decimal(18, 4)) as subtotal_amount,
        cast(discount as decimal(18, 4)) as discount_amount,
        cast(tax as decimal(18, 4)) as tax_amount,
        cast(total as decimal(18, 4)) as total_amount,
        ---------- timestamps
        issued_at,
        due_at,
        paid_at

    from validated

)

select * from renamed
