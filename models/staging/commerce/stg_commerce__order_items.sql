{# Staged `order_items`: one row per order line. Rows that break the contract
   are in util_quarantined_rows instead. #}

with

validated as (

    select * from {{ ref('base_commerce__order_items') }}

    where quarantine_reason is null

),

renamed as (

    select
        ---------- ids
        order_item_id,
        order_id,
        product_id,
        ---------- numerics
        quantity,
        cast(unit_price as decimal(18, 4)) as unit_price

    from validated

)

select * from renamed
