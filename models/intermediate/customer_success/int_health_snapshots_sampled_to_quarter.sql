{# One row per customer and sampled weekly snapshot: the inputs of the
   churn-risk model (retention_lib.churn_risk) and its labels. Sampled are
   the snapshots every ceil(horizon / 7) weeks back from the latest one
   whose horizon (var churn_horizon_days) has passed by as_of_date,
   so that no two sampled outcome windows overlap, and the latest snapshot
   (to score). churned: a logo churn month of the customer whose last day
   falls in (snapshot_date, snapshot_date + horizon], as in
   fct_health_score_backtest; NULL while the window is still open. Only
   data dated up to each snapshot goes into its inputs. #}

{%- set horizon_days = var('churn_horizon_days') | int %}
{%- set step_days = 7 * ((horizon_days + 6) // 7) %}

with

as_of as (

    select * from {{ ref('util_as_of_date') }}

),

snapshots as (

    select * from {{ ref('fct_customer_health_snapshots') }}

),

inputs as (

    select * from {{ ref('int_health_inputs_aggregated_to_customer_week') }}

),

churn_dates as (

    select distinct
        customer_id,
        {{ dbt.last_day('date_month', 'month') }} as churn_date

    from {{ ref('fct_customer_mrr_monthly') }}

    where movement = 'churn'

),

dates as (

    select distinct snapshot_date from snapshots

),

anchors as (

    select
        max(
            case
                when
                    cast(
                        {{ dbt.dateadd(
                            'day', horizon_days, 'dates.snapshot_date') }}
                        as date
                    )
                    <= as_of.as_of_date
                    then dates.snapshot_date
            end
        ) as latest_observed_date,
        max(dates.snapshot_date) as latest_date

    from dates

    cross join as_of

),

sampled_dates as (

    select
        dates.snapshot_date,
        dates.snapshot_date <= anchors.latest_observed_date
            as is_outcome_observed,
        dates.snapshot_date = anchors.latest_date as is_latest

    from dates

    cross join anchors

    where
        dates.snapshot_date = anchors.latest_date
        or (
            dates.snapshot_date <= anchors.latest_observed_date
            and {{ dbt.datediff(
                'dates.snapshot_date', 'anchors.latest_observed_date', 'day')
            }} % {{ step_days }} = 0
        )

),

churn_hits as (

    select distinct
        snapshots.snapshot_date,
        snapshots.customer_id

    from snapshots

    inner join sampled_dates
        on snapshots.snapshot_date = sampled_dates.snapshot_date

    inner join churn_dates
        on
            snapshots.customer_id = churn_dates.customer_id
            and snapshots.snapshot_date < churn_dates.churn_date
            and churn_dates.churn_date <= cast({{ dbt.dateadd(
                'day', horizon_days, 'snapshots.snapshot_date') }} as date)

)

select
    snapshots.snapshot_date,
    snapshots.customer_id,
    sampled_dates.is_outcome_observed,
    sampled_dates.is_latest,
    case
        when sampled_dates.is_outcome_observed
            then churn_hits.customer_id is not null
    end as churned,
    snapshots.health_score,
    snapshots.health_band,
    snapshots.usage_score,
    snapshots.breadth_score,
    snapshots.support_score,
    snapshots.billing_score,
    snapshots.sentiment_score,
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
    inputs.latest_csat_score

from snapshots

inner join sampled_dates
    on snapshots.snapshot_date = sampled_dates.snapshot_date

inner join inputs
    on
        snapshots.snapshot_date = inputs.snapshot_date
        and snapshots.customer_id = inputs.customer_id

left join churn_hits
    on
        snapshots.snapshot_date = churn_hits.snapshot_date
        and snapshots.customer_id = churn_hits.customer_id
