{# Staged `users`: one row per product user (a person in a customer account).
   Rows that break the contract are in util_quarantined_rows instead. #}

with

validated as (

    select * from {{ ref('base_product__users') }}

    where quarantine_reason is null

),

renamed as (

    select
        ---------- ids
        user_id,
        customer_id,
        ---------- strings
        email,
        role as user_role,
        ---------- timestamps
        created_at

    from validated

)

select * from renamed
