{# Staged `customers`: one row per customer account (the paying company).
   Rows that break the contract are in util_quarantined_rows instead. #}

with

validated as (

    select * from {{ ref('base_billing__customers') }}

    where quarantine_reason is null

),

renamed as (

    select
        ---------- ids
        customer_id,
        ---------- strings
        name as customer_name,
        email,
        country as country_code,
        segment,
        acquisition_channel,
        ---------- timestamps
        created_at

    from validated

)

select * from renamed
