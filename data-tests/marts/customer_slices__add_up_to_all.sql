{# Every slicing dimension of fct_support_monthly,
   fct_voice_of_customer_monthly, fct_activation_monthly and
   fct_commerce_monthly partitions the tickets (responses, signups,
   customers and checkouts): per month and dimension, the slices' counts
   add up to the slice all. #}

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

activation as (

    select * from {{ ref('fct_activation_monthly') }}

),

activation_totals as (

    select
        signup_month,
        entity_type,
        dimension_name,
        sum(signed_up) as signed_up,
        sum(window_closed) as window_closed,
        sum(activated) as activated

    from activation

    where dimension_name != 'all'

    group by 1, 2, 3

),

commerce as (

    select * from {{ ref('fct_commerce_monthly') }}

),

commerce_totals as (

    select
        date_month,
        dimension_name,
        sum(ordering_customers) as ordering_customers,
        sum(units_sold) as units_sold,
        sum(checkouts_started) as checkouts_started

    from commerce

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

),

failing_activation as (

    select
        activation_totals.signup_month as date_month,
        activation_totals.dimension_name

    from activation_totals

    left join activation
        on
            activation_totals.signup_month = activation.signup_month
            and activation_totals.entity_type = activation.entity_type
            and activation.dimension_name = 'all'

    where
        activation_totals.signed_up != coalesce(activation.signed_up, -1)
        or activation_totals.window_closed
        != coalesce(activation.window_closed, -1)
        or activation_totals.activated != coalesce(activation.activated, -1)

),

failing_commerce as (

    select
        commerce_totals.date_month,
        commerce_totals.dimension_name

    from commerce_totals

    left join commerce
        on
            commerce_totals.date_month = commerce.date_month
            and commerce.dimension_name = 'all'

    where
        commerce_totals.ordering_customers
        != coalesce(commerce.ordering_customers, -1)
        or commerce_totals.units_sold != coalesce(commerce.units_sold, -1)
        or commerce_totals.checkouts_started
        != coalesce(commerce.checkouts_started, -1)

)

select * from failing_support

union all

select * from failing_commerce

union all

select * from failing_voice

union all

select * from failing_activation
