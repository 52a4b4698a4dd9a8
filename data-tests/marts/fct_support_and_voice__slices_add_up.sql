{# Every slicing dimension of fct_support_monthly and
   fct_voice_of_customer_monthly partitions the tickets (responses): per
   month and dimension, the slices' counts add up to the slice all. #}

with

support as (

    select * from {{ ref('fct_support_monthly') }}

),

voice as (

    select * from {{ ref('fct_voice_of_customer_monthly') }}

),

support_totals as (

    select
        date_month,
        dimension_name,
        sum(tickets_opened) as tickets_opened,
        sum(open_backlog) as open_backlog

    from support

    where dimension_name != 'all'

    group by 1, 2

),

voice_totals as (

    select
        date_month,
        dimension_name,
        sum(nps_responses) as nps_responses,
        sum(csat_responses) as csat_responses,
        sum(ces_responses) as ces_responses

    from voice

    where dimension_name != 'all'

    group by 1, 2

),

failing_support as (

    select
        support_totals.date_month,
        support_totals.dimension_name

    from support_totals

    left join support
        on
            support_totals.date_month = support.date_month
            and support.dimension_name = 'all'

    where
        support_totals.tickets_opened != coalesce(support.tickets_opened, -1)
        or support_totals.open_backlog != coalesce(support.open_backlog, -1)

),

failing_voice as (

    select
        voice_totals.date_month,
        voice_totals.dimension_name

    from voice_totals

    left join voice
        on
            voice_totals.date_month = voice.date_month
            and voice.dimension_name = 'all'

    where
        voice_totals.nps_responses != coalesce(voice.nps_responses, -1)
        or voice_totals.csat_responses != coalesce(voice.csat_responses, -1)
        or voice_totals.ces_responses != coalesce(voice.ces_responses, -1)

)

select * from failing_support

union all

select * from failing_voice
