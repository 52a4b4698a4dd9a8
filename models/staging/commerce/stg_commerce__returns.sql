{# Staged `returns`: one row per product return. Rows that break the contract
   are in util_quarantined_rows instead. #}

with

validated as (

    select * from {{ ref('base_commerce__returns') }}

    where quarantine_reason is null

),

renamed as (

    select
        ---------- ids
        return_id,
        order_item_id,
        ---------- strings
        {{ retention.mask_contact_details('reason') }} as return_reason,
        ---------- numerics
        quantity,
        cast(amount as decimal(18, 4)) as return_amount,
        ---------- timestamps
        returned_at

    from validated

)

select * from renamed
