{# Staged `plans`: one row per price plan (tier x billing period x currency).
   Rows that break the contract are in util_quarantined_rows instead. #}

with

validated as (

    select * from {{ ref('base_billing__plans') }}

    where quarantine_reason is null

),

renamed as (

    select
        ---------- ids
        plan_id,
        ---------- strings
        plan_name,
        tier,
        currency as currency_code,
        ---------- numerics
        billing_period_months,
        cast(list_price as decimal(18, 4)) as list_price

    from validated

)

select * from renamed
