{# The headline metrics of sections 2 to 6 in fct_retention_kpis_monthly
   are the whole-business values of the marts that define them: a wrong
   slice or join would show here. Months without a row in a source mart
   must be NULL in the KPIs, except counts: 0 (when the system has data). #}

with

kpis as (

    select * from {{ ref('fct_retention_kpis_monthly') }}

),

voice as (

    select * from {{ ref('fct_voice_of_customer_monthly') }}

    where dimension_name = 'all' and dimension_value = 'all'

),

support as (

    select * from {{ ref('fct_support_monthly') }}

    where dimension_name = 'all' and dimension_value = 'all'

),

acquisition as (

    select * from {{ ref('fct_acquisition_monthly') }}

    where acquisition_channel = 'all'

),

engagement as (

    select * from {{ ref('fct_engagement_monthly') }}

),

receivables as (

    select * from {{ ref('fct_receivables_monthly') }}

),

failing as (

    select kpis.date_month

    from kpis

    left join voice
        on kpis.date_month = voice.date_month

    left join support
        on kpis.date_month = support.date_month

    left join acquisition
        on kpis.date_month = acquisition.date_month

    left join engagement
        on kpis.date_month = engagement.date_month

    left join receivables
        on kpis.date_month = receivables.date_month

    where
        coalesce(kpis.nps, -999) != coalesce(voice.nps, -999)
        or coalesce(kpis.nps_responses, 0) != coalesce(voice.nps_responses, 0)
        or coalesce(kpis.tickets_opened, -1)
        != case
            when kpis.has_support_data
                then coalesce(support.tickets_opened, 0)
            else -1
        end
        or coalesce(kpis.cac, -1) != coalesce(acquisition.cac, -1)
        or coalesce(kpis.acquisition_spend, -1)
        != coalesce(acquisition.spend_amount, -1)
        or coalesce(kpis.active_users, -1)
        != case
            when kpis.has_product_data
                then coalesce(engagement.active_users, 0)
            else -1
        end
        or coalesce(kpis.dso_days, -1) != coalesce(receivables.dso_days, -1)

)

select * from failing
