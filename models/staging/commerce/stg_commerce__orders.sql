{# Staged `orders`: one row per one-off order. Rows that break the contract
   are in util_quarantined_rows instead. #}

with

validated as (

    select * from {{ ref('base_commerce__orders') }}

    where quarantine_reason is null

),

renamed as (

    select
        ---------- ids
        order_id,
        customer_id,
        ---------- strings
        status as order_status,
        currency as currency_code,
        ---------- numerics
        cast(amount as decimal(18, 4)) as order_amount,
        ---------- timestamps
        ordered_at

    from validated

)

select * from renamed
