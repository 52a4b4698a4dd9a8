{# Staged `marketing_spend`: one row per day and marketing channel:
   acquisition spend. Rows that break the contract are in
   util_quarantined_rows instead. #}

with

validated as (

    select * from {{ ref('base_marketing__marketing_spend') }}

    where quarantine_reason is null

),

renamed as (

    select
        ---------- ids
        spend_date,
        channel as channel_name,
        ---------- strings
        currency as currency_code,
        ---------- numerics
        cast(amount as decimal(18, 4)) as spend_amount

    from validated

)

select * from renamed
