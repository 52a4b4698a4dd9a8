{# Staged `payments`: one row per payment attempt or refund. Rows that break
   the contract are in util_quarantined_rows instead. #}

with

validated as (

    select * from {{ ref('base_billing__payments') }}

    where quarantine_reason is null

),

renamed as (

    select
        ---------- ids
        payment_id,
        invoice_id,
        customer_id,
        ---------- strings
        payment_type,
        status as payment_status,
        currency as currency_code,
        {{ retention.mask_contact_details('failure_reason') }}
            as failure_reason,
        ---------- numerics
        cast(amount as decimal(18, 4)) as amount,
        ---------- timestamps
        created_at

    from validated

)

select * from renamed
