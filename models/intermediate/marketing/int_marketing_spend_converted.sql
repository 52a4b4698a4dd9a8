{# One row per day and channel of acquisition spend: the amount in the
   reporting currency at the rate of the spend date. #}

with

spend as (

    select * from {{ ref('stg_marketing__marketing_spend') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_filled_to_day') }}

),

converted as (

    select
        spend.spend_date,
        spend.channel_name,
        spend.currency_code,
        {{ reporting_fx_rate('spend.currency_code', 'fx_rates') }}
            as fx_rate_to_reporting,
        spend.spend_amount

    from spend

    left join fx_rates
        on
            spend.currency_code = fx_rates.currency_code
            and spend.spend_date = fx_rates.rate_day

),

final as (

    select
        cast(spend_date as date) as spend_date,
        channel_name,
        currency_code,
        cast(fx_rate_to_reporting as decimal(18, 8)) as fx_rate_to_reporting,
        {{ to_amount('spend_amount * fx_rate_to_reporting') }}
            as spend_amount

    from converted

)

select * from final
