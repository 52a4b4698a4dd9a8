{# One row per customer subscribed at the latest weekly snapshot: its
   health score, band, components, weighted contributions and raw inputs,
   with the previous week's score and the change, so a customer-success
   manager can see why a score moved. #}

with

snapshots as (

    select * from {{ ref('fct_customer_health_snapshots') }}

),

inputs as (

    select * from {{ ref('int_health_inputs_aggregated_to_customer_week') }}

),

latest as (

    select max(snapshot_date) as snapshot_date from snapshots

),

previous as (

    select
        snapshots.customer_id,
        snapshots.health_score,
        snapshots.usage_score,
        snapshots.breadth_score,
        snapshots.support_score,
        snapshots.billing_score,
        snapshots.sentiment_score

    from snapshots

    inner join latest
        on
            snapshots.snapshot_date
            = {{ dbt.dateadd('day', -7, 'latest.snapshot_date') }}

),

final as (

    select
        snapshots.customer_id,
        cast(snapshots.snapshot_date as date) as snapshot_date,
        cast(snapshots.health_score as {{ dbt.type_bigint() }})
            as health_score,
        cast(snapshots.health_band as {{ dbt.type_string() }})
            as health_band,
        cast(previous.health_score as {{ dbt.type_bigint() }})
            as previous_health_score,
        cast(
            snapshots.health_score - previous.health_score
            as {{ dbt.type_bigint() }}
        ) as health_score_change,
        cast(snapshots.usage_score as {{ type_double() }}) as usage_score,
        cast(snapshots.breadth_score as {{ type_double() }}) as breadth_score,
        cast(snapshots.support_score as {{ type_double() }}) as support_score,
        cast(snapshots.billing_score as {{ type_double() }}) as billing_score,
        cast(snapshots.sentiment_score as {{ type_double() }})
            as sentiment_score,
        cast(snapshots.usage_contribution as {{ type_double() }})
            as usage_contribution,
        cast(snapshots.breadth_contribution as {{ type_double() }})
            as breadth_contribution,
        cast(snapshots.support_contribution as {{ type_double() }})
            as support_contribution,
        cast(snapshots.billing_contribution as {{ type_double() }})
            as billing_contribution,
        cast(snapshots.sentiment_contribution as {{ type_double() }})
            as sentiment_contribution,
        cast(
            snapshots.usage_score - previous.usage_score
            as {{ type_double() }}
        )
            as usage_score_change,
        cast(
            snapshots.breadth_score - previous.breadth_score
            as {{ type_double() }}
        )
            as breadth_score_change,
        cast(
            snapshots.support_score - previous.support_score
            as {{ type_double() }}
        )
            as support_score_change,
        cast(
            snapshots.billing_score - previous.billing_score
            as {{ type_double() }}
        )
            as billing_score_change,
        cast(
            snapshots.sentiment_score - previous.sentiment_score
            as {{ type_double() }}
        )
            as sentiment_score_change,
        inputs.user_count,
        inputs.active_users_30d,
        inputs.events_30d,
        inputs.events_previous_30d,
        inputs.key_features_used,
        inputs.open_tickets,
        inputs.open_urgent_tickets,
        inputs.slow_resolutions_90d,
        inputs.failed_payments_90d,
        inputs.overdue_invoices,
        inputs.latest_nps_score,
        inputs.latest_csat_score,
        inputs.has_product_data,
        inputs.has_support_data

    from snapshots

    inner join latest
        on snapshots.snapshot_date = latest.snapshot_date

    inner join inputs
        on
            snapshots.snapshot_date = inputs.snapshot_date
            and snapshots.customer_id = inputs.customer_id

    left join previous
        on snapshots.customer_id = previous.customer_id

)

select * from final
