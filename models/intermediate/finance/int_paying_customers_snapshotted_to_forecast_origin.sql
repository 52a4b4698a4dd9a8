{# One row per forecast origin (util_mrr_forecast_origins) and customer
   paying at its end: what the MRR forecast knows of the customer then
   (the definitions are in the yml). Only what was known at the origin:
   the month-end MRR and tenure of fct_customer_mrr_monthly at the origin
   month, the contract length and cohort of the customer's sBG lifetime,
   and the cancellations requested before the origin's snapshot. #}

{#- a table, not a view: several tests and models read it (DECISIONS
    114) #}
{{ config(materialized='table') }}

with

customer_months as (

    select * from {{ ref('fct_customer_mrr_monthly') }}

),

origins as (

    select * from {{ ref('util_mrr_forecast_origins') }}

),

lifetimes as (

    select * from {{ ref('int_subscription_lifetimes_summarized_to_customer') }}

),

subscriptions as (

    select * from {{ ref('stg_billing__subscriptions') }}

),

paying as (

    select
        origins.months_back,
        origins.origin_month,
        origins.origin_snapshot_at,
        customer_months.customer_id,
        customer_months.mrr,
        customer_months.paying_tenure_months

    from customer_months

    inner join origins
        on customer_months.date_month = origins.origin_month

    where customer_months.is_paying

),

-- the customer's subscriptions started by the origin and not ended before
-- it; a cancellation is known when it was requested before the snapshot
live_subscriptions as (

    select
        paying.months_back,
        paying.customer_id,
        count(*) as live_subscriptions,
        sum(
            case
                when subscriptions.canceled_at < paying.origin_snapshot_at
                    then 1
                else 0
            end
        ) as cancelled_subscriptions,
        max(subscriptions.current_period_ends_at) as last_period_end_at

    from paying

    inner join subscriptions
        on
            paying.customer_id = subscriptions.customer_id
            and paying.origin_snapshot_at > subscriptions.started_at
            and (
                subscriptions.ended_at is null
                or paying.origin_snapshot_at <= subscriptions.ended_at
            )

    group by paying.months_back, paying.customer_id

),

stops as (

    select
        months_back,
        customer_id,
        -- a line is in force at a month's end while the next month's start
        -- is on or before its period end: the first month without MRR is
        -- the month of the last period end
        cast({{ dbt.date_trunc('month', 'last_period_end_at') }} as date)
            as known_stop_month

    from live_subscriptions

    where live_subscriptions = cancelled_subscriptions

)

select
    paying.months_back,
    paying.origin_month,
    paying.customer_id,
    cast(paying.mrr as {{ type_double() }}) as mrr,
    cast(paying.paying_tenure_months as {{ dbt.type_bigint() }})
        as paying_tenure_months,
    lifetimes.contract_months,
    lifetimes.cohort_month,
    case
        when stops.known_stop_month > paying.origin_month
            then stops.known_stop_month
    end as known_stop_month

from paying

left join lifetimes
    on paying.customer_id = lifetimes.customer_id

left join stops
    on
        paying.months_back = stops.months_back
        and paying.customer_id = stops.customer_id
