{# Staged `tickets`: one row per support ticket. Rows that break the contract
   are in util_quarantined_rows instead. #}

with

validated as (

    select * from {{ ref('base_support__tickets') }}

    where quarantine_reason is null

),

renamed as (

    select
        ---------- ids
        ticket_id,
        customer_id,
        user_id,
        ---------- strings
        status as ticket_status,
        priority,
        {{ retention.mask_contact_details('category') }} as category,
        channel,
        ---------- timestamps
        opened_at,
        first_response_at,
        resolved_at

    from validated

)

select * from renamed
