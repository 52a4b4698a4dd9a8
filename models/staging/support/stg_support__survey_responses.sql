{# Staged `survey_responses`: one row per survey answer (NPS, CSAT or CES).
   Rows that break the contract are in util_quarantined_rows instead. #}

with

validated as (

    select * from {{ ref('base_support__survey_responses') }}

    where quarantine_reason is null

),

renamed as (

    select
        ---------- ids
        response_id,
        customer_id,
        user_id,
        ---------- strings
        survey_type,
        {{ retention.mask_contact_details('comment') }}
            as comment,  -- noqa: RF04
        ---------- numerics
        score,
        ---------- timestamps
        responded_at

    from validated

)

select * from renamed
