{# Staged `events`: one row per product event. Rows that break the contract
   are in util_quarantined_rows instead. #}

with

validated as (

    select * from {{ ref('base_product__events') }}

    where quarantine_reason is null

),

renamed as (

    select
        ---------- ids
        event_id,
        user_id,
        customer_id,
        ---------- strings
        event_name,
        feature as feature_name,
        ---------- timestamps
        occurred_at

    from validated

)

select * from renamed
