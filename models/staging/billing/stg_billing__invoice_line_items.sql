{# Staged `invoice_line_items`: one row per invoice line. Rows that break the
   contract are in util_quarantined_rows instead. #}

with

validated as (

    select * from {{ ref('base_billing__invoice_line_items') }}

    where quarantine_reason is null

),

renamed as (

    select
        ---------- ids
        line_item_id,
        invoice_id,
        subscription_id,
        plan_id,
        ---------- strings
        line_type,
        currency as currency_code,
        ---------- numerics
        quantity,
        cast(amount as decimal(18, 4)) as amount,
        cast(discount_amount as decimal(18, 4)) as discount_amount,
        ---------- timestamps
        period_start as period_start_at,
        period_end as period_end_at

    from validated

)

select * from renamed
