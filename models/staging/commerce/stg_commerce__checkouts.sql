{# Staged `checkouts`: one row per checkout started (with the order it led
   to, if any). Rows that break the contract are in util_quarantined_rows
   instead. #}

with

validated as (

    select * from {{ ref('base_commerce__checkouts') }}

    where quarantine_reason is null

),

renamed as (

    select
        ---------- ids
        checkout_id,
        customer_id,
        order_id,
        ---------- timestamps
        started_at

    from validated

)

select * from renamed
