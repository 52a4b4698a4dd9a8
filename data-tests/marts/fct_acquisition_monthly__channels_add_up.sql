{# The channel rows partition the business: per month, the channels'
   spend and new paying customers add up to the row of channel all, and
   all's new customers equal fct_retention_kpis_monthly's. #}

with

acquisition as (

    select * from {{ ref('fct_acquisition_monthly') }}

),

kpis as (

    select * from {{ ref('fct_retention_kpis_monthly') }}

),

channels as (

    select
        date_month,
        sum(spend_amount) as spend_amount,
        sum(new_customers) as new_customers

    from acquisition

    where acquisition_channel != 'all'

    group by 1

),

failing as (

    select
        total.date_month,
        total.spend_amount,
        channels.spend_amount as channel_spend_amount

    from acquisition as total

    left join channels
        on total.date_month = channels.date_month

    left join kpis
        on total.date_month = kpis.date_month

    where
        total.acquisition_channel = 'all'
        and (
            total.spend_amount != coalesce(channels.spend_amount, 0)
            or total.new_customers != coalesce(channels.new_customers, 0)
            or total.new_customers != coalesce(kpis.new_customers, 0)
        )

)

select * from failing
