{# Staged `subscriptions`: one row per subscription (a customer's contract
   for one plan). Rows that break the contract are in util_quarantined_rows
   instead. #}

with

validated as (

    select * from {{ ref('base_billing__subscriptions') }}

    where quarantine_reason is null

),

renamed as (

    select
        ---------- ids
        subscription_id,
        customer_id,
        plan_id,
        ---------- strings
        status as subscription_status,
        {{ retention.mask_contact_details('cancel_reason') }}
            as cancel_reason,
        ---------- numerics
        quantity as seat_count,
        ---------- timestamps
        trial_start as trial_started_at,
        trial_end as trial_ended_at,
        started_at,
        current_period_end as current_period_ends_at,
        canceled_at,
        ended_at

    from validated

)

select * from renamed
