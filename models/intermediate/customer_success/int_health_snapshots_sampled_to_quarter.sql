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

sampled as (

    select
        snapshots.*,
        sampled_dates.is_outcome_observed,
        sampled_dates.is_latest

    from snapshots

    inner join sampled_dates
        on snapshots.snapshot_date = sampled_dates.snapshot_date

),

{{ churn_within_horizon('sampled', horizon_days) }}

select
    sampled.snapshot_date,
    sampled.customer_id,
    sampled.is_outcome_observed,
    sampled.is_latest,
    case
        when sampled.is_outcome_observed
            then churn_hits.customer_id is not null
    end as churned,
    sampled.health_score,
    sampled.health_band,
    sampled.usage_score,
    sampled.breadth_score,
    sampled.support_score,
    sampled.billing_score,
    sampled.sentiment_score,
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

from sampled

inner join inputs
    on
        sampled.snapshot_date = inputs.snapshot_date
        and sampled.customer_id = inputs.customer_id

left join churn_hits
    on
        sampled.snapshot_date = churn_hits.snapshot_date
        and sampled.customer_id = churn_hits.customer_id
