{# Staged `email_sends`: one row per marketing email sent to a user. Rows
   that break the contract are in util_quarantined_rows instead. #}

with

validated as (

    select * from {{ ref('base_marketing__email_sends') }}

    where quarantine_reason is null

),

renamed as (

    select
        ---------- ids
        send_id,
        campaign_id,
        customer_id,
        user_id,
        ---------- booleans
        delivered as is_delivered,
        ---------- timestamps
        sent_at,
        opened_at,
        clicked_at

    from validated

)

select * from renamed
