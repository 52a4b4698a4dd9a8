{# Staged `fx_rates`: one row per day and currency: the rate to convert one
   unit into USD. Rows that break the contract are in util_quarantined_rows
   instead. #}

with

validated as (

    select * from {{ ref('base_reference__fx_rates') }}

    where quarantine_reason is null

),

renamed as (

    select
        ---------- ids
        rate_date,
        currency as currency_code,
        ---------- numerics
        rate_to_usd

    from validated

)

select * from renamed
