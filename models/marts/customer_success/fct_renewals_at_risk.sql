{# One row per subscription not cancelled by as_of_date whose current term
   ends within 90 days after as_of_date: its customer's latest health score
   and band, and the risk flags of docs/metrics.md section 7: usage drop > 30 %
   (qualifying events of the last 30 days under 70 % of the 30 before),
   open urgent or high-priority ticket, failed payment in the last 90 days,
   detractor NPS (latest answer 0-6); and the pain-point topics of the
   customer's latest negative survey comments. #}

with

subscriptions as (

    select * from {{ ref('stg_billing__subscriptions') }}

),

health as (

    select * from {{ ref('dim_customer_health') }}

),

as_of as (

    select * from {{ ref('util_as_of_date') }}

),

negative_topics as (

    select * from {{ ref('int_customer_negative_topics') }}

),

renewing as (

    select
        subscriptions.subscription_id,
        subscriptions.customer_id,
        subscriptions.plan_id,
        subscriptions.current_period_ends_at

    from subscriptions

    inner join as_of
        on
            cast(subscriptions.current_period_ends_at as date)
            > as_of.as_of_date
            and cast(subscriptions.current_period_ends_at as date)
            <= {{ dbt.dateadd('day', 90, 'as_of.as_of_date') }}
            and cast(subscriptions.started_at as date) <= as_of.as_of_date
            and (
                subscriptions.canceled_at is null
                or cast(subscriptions.canceled_at as date) > as_of.as_of_date
            )

),

final as (

    select
        renewing.subscription_id,
        renewing.customer_id,
        renewing.plan_id,
        cast(renewing.current_period_ends_at as {{ dbt.type_timestamp() }})
            as term_ends_at,
        cast(health.health_score as {{ dbt.type_bigint() }}) as health_score,
        cast(
            coalesce(health.health_band, 'unscored') as {{ dbt.type_string() }}
        ) as health_band,
        coalesce(
            health.events_30d < 0.7 * health.events_previous_30d, false
        ) as has_usage_drop,
        coalesce(health.open_urgent_tickets > 0, false)
            as has_open_urgent_ticket,
        coalesce(health.failed_payments_90d > 0, false)
            as has_failed_payment,
        coalesce(health.latest_nps_score <= 6, false) as is_nps_detractor,
        cast(
            negative_topics.latest_negative_topics as {{ dbt.type_string() }}
        ) as latest_negative_topics

    from renewing

    left join health
        on renewing.customer_id = health.customer_id

    left join negative_topics
        on renewing.customer_id = negative_topics.customer_id

)

select * from final
