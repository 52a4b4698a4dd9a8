{# One row per weekly snapshot (every Sunday up to as_of_date) and customer
   subscribed at its end: the raw inputs of the health score, each computed
   only from data dated before the snapshot's end (snapshot_date + 1 day),
   so a snapshot never changes when later data arrives.
   - Subscribed: a subscription line in force at the snapshot's end, on an
     invoice issued before it, of a subscription not cancelled before it.
   - Usage: users created before the end; distinct users and qualifying
     events in the 30 days before the end and events in the 30 days before
     those.
   - Breadth: key features (var health_key_features) used in the last
     complete calendar month before the snapshot's month.
   - Support: tickets open at the end, of them urgent or high priority;
     tickets resolved in the last 90 days after more than var
     health_slow_resolution_hours.
   - Billing: failed payment attempts in the last 90 days; invoices past
     their due date and unpaid at the end.
   - Sentiment: the latest NPS score and the latest CSAT score of the last
     180 days (NULL without one).
   - Coverage: whether the product events and the support tickets exports
     hold any staged row at all. Without them, zero events or zero tickets
     mean "no system", not "customers did nothing": the score then treats
     those components as neutral (retention_lib.health). #}

{#- Incremental on DuckDB (macros/health_inputs_incremental.sql): a run
    keeps the snapshots that end before the cutoff it recorded last time
    (latest snapshot - var health_inputs_lookback_days) when a checksum of
    everything they read is unchanged, and computes the snapshot dates the
    table no longer holds; equal to a full rebuild (tested). A table on
    the other engines. -#}
{{ config(
    materialized=('incremental' if target.type == 'duckdb' else 'table'),
    incremental_strategy=('append' if target.type == 'duckdb' else none),
    on_schema_change='fail',
    pre_hook=[
        "{{ retention.postgres_nested_loops(false) }}",
        "{{ retention.delete_stale_health_snapshots() }}"],
    post_hook=[
        "{{ retention.postgres_nested_loops(true) }}",
        "{{ retention.record_health_inputs_state() }}"]
) }}

{% set key_feature_list =
    "'" ~ var('health_key_features') | join("', '") ~ "'" %}
{% set snapshot_end = dbt.dateadd('day', 1, 'snapshot_dates.snapshot_date') %}
{% set minus_90 = dbt.dateadd('day', -90, 'snapshots.snapshot_end') %}
{% set minus_180 = dbt.dateadd('day', -180, 'snapshots.snapshot_end') %}
{% set resolution_hours = 'cast(' ~ dbt.datediff(
    'tickets.opened_at', 'tickets.resolved_at', 'second')
    ~ ' as ' ~ type_double() ~ ') / 3600' %}

with

lines as (

    select * from {{ ref('int_invoice_lines_normalized') }}

    where line_type = 'subscription'

),

days as (

    select * from {{ ref('util_days') }}

),

users as (

    select * from {{ ref('stg_product__users') }}

),

user_days as (

    select * from {{ ref('int_events_aggregated_to_user_day') }}

),

features as (

    select * from {{ ref('int_feature_usage_aggregated_to_account_month') }}

    where feature_name in ({{ key_feature_list }})

),

tickets as (

    select * from {{ ref('stg_support__tickets') }}

),

staged_events as (

    select * from {{ ref('stg_product__events') }}

),

system_coverage as (

    select
        (select count(*) from staged_events) > 0 as has_product_data,
        (select count(*) from tickets) > 0 as has_support_data

),

payments as (

    select * from {{ ref('stg_billing__payments') }}

    where payment_status = 'failed'

),

invoices as (

    select * from {{ ref('stg_billing__invoices') }}

    where invoice_status in ('paid', 'open', 'uncollectible')

),

responses as (

    select * from {{ ref('stg_support__survey_responses') }}

    where survey_type in ('nps', 'csat')

),

first_line as (

    select min(cast(period_start_at as date)) as first_date from lines

),

{# Sundays: days a multiple of 7 after Sunday 2023-12-31 #}
sundays as (

    select days.date_day as snapshot_date

    from days

    inner join first_line
        on days.date_day >= first_line.first_date

    where
        mod(
            {{ dbt.datediff("cast('2023-12-31' as date)", 'days.date_day',
                            'day') }},
            7
        ) = 0

),

snapshot_dates as (

    select * from sundays
    {%- if is_incremental() %}

    {#- the dates the pre-hook kept are not computed again #}
    where snapshot_date not in (select snapshot_date from {{ this }})
    {%- endif %}

),

snapshots as (

    select distinct
        snapshot_dates.snapshot_date,
        cast({{ snapshot_end }} as {{ dbt.type_timestamp() }}) as snapshot_end,
        lines.customer_id

    from snapshot_dates

    inner join lines
        on
            lines.period_start_at < {{ snapshot_end }}
            and lines.period_end_at >= {{ snapshot_end }}
            and lines.issued_at < {{ snapshot_end }}
            and (
                lines.canceled_at is null
                or lines.canceled_at >= {{ snapshot_end }}
            )

),

user_counts as (

    select
        snapshots.snapshot_date,
        snapshots.customer_id,
        count(*) as user_count

    from snapshots

    inner join users
        on
            snapshots.customer_id = users.customer_id
            and snapshots.snapshot_end > users.created_at

    group by 1, 2

),

{#- Usage without joining each snapshot to 60 days of user-days: the
    user-days and the snapshots of a customer form one series ordered by
    day number, and a snapshot reads sums over it (a day d is in the last
    30 days of snapshot S when S - 29 <= d <= S, in the 30 before those
    when S - 59 <= d <= S - 30):
    - events: sums over the rows 0-29 and 30-59 days before the snapshot
      (range frames, ties included);
    - active users: a running sum of + 1 where a user's island of activity
      starts (the previous activity day more than 30 days before) and - 1
      30 days after the island's last day (the next activity day more than
      30 days after), so it counts each user active in the window once. #}
{% set epoch = "cast('1970-01-01' as date)" %}
usage_days as (

    select
        user_days.customer_id,
        user_days.user_id,
        user_days.activity_date,
        user_days.event_count

    from user_days
    {%- if is_incremental() %}

    {#- the snapshots to compute read the 60 days before them #}
    where
        user_days.activity_date >= (
            select
                cast({{ dbt.dateadd(
                    'day', -59, 'min(snapshot_dates.snapshot_date)') }} as date)
            from snapshot_dates
        )
    {%- endif %}

),

{% set user_window = 'over (partition by customer_id, user_id'
    ~ ' order by activity_date)' %}
usage_gaps as (

    select
        customer_id,
        {{ dbt.datediff(epoch, 'activity_date', 'day') }}
            as day_number,
        event_count,
        {{ dbt.datediff('lag(activity_date) ' ~ user_window,
                        'activity_date', 'day') }} as days_since_previous,
        {{ dbt.datediff('activity_date',
                        'lead(activity_date) ' ~ user_window, 'day') }}
            as days_to_next

    from usage_days

),

{# one row per customer and day with events or island edges, then the
   snapshots #}
usage_series as (

    select
        customer_id,
        day_number,
        sum(event_count) as event_count,
        sum(active_change) as active_change,
        cast(null as date) as snapshot_date

    from (

        select
            customer_id,
            day_number,
            event_count,
            case
                when days_since_previous is null or days_since_previous > 30
                    then 1
                else 0
            end as active_change

        from usage_gaps

        union all

        select
            customer_id,
            day_number + 30 as day_number,
            0 as event_count,
            -1 as active_change

        from usage_gaps

        where days_to_next is null or days_to_next > 30

    ) as changes

    group by 1, 2

    union all

    select
        customer_id,
        {{ dbt.datediff(epoch, 'snapshot_date', 'day') }}
            as day_number,
        0 as event_count,
        0 as active_change,
        snapshot_date

    from snapshots

),

usage_running as (

    select
        snapshot_date,
        customer_id,
        sum(active_change) over (
            partition by customer_id
            order by day_number
            range between unbounded preceding and current row
        ) as active_users_30d,
        sum(event_count) over (
            partition by customer_id
            order by day_number
            range between 29 preceding and current row
        ) as events_30d,
        sum(event_count) over (
            partition by customer_id
            order by day_number
            range between 59 preceding and 30 preceding
        ) as events_previous_30d

    from usage_series

),

usage as (

    select * from usage_running

    where snapshot_date is not null

),

breadth as (

    select
        snapshots.snapshot_date,
        snapshots.customer_id,
        count(distinct features.feature_name) as key_features_used

    from snapshots

    inner join features
        on
            snapshots.customer_id = features.customer_id
            and features.date_month
            = {{ dbt.dateadd('month', -1,
                dbt.date_trunc('month', 'snapshots.snapshot_date')) }}

    group by 1, 2

),

support as (

    select
        snapshots.snapshot_date,
        snapshots.customer_id,
        sum(
            case
                when
                    tickets.resolved_at is null
                    or tickets.resolved_at >= snapshots.snapshot_end
                    then 1
                else 0
            end
        ) as open_tickets,
        sum(
            case
                when
                    (
                        tickets.resolved_at is null
                        or tickets.resolved_at >= snapshots.snapshot_end
                    )
                    and tickets.priority in ('urgent', 'high')
                    then 1
                else 0
            end
        ) as open_urgent_tickets,
        sum(
            case
                when
                    tickets.resolved_at < snapshots.snapshot_end
                    and tickets.resolved_at >= {{ minus_90 }}
                    and {{ resolution_hours }}
                    > {{ var('health_slow_resolution_hours') }}
                    then 1
                else 0
            end
        ) as slow_resolutions_90d

    from snapshots

    inner join tickets
        on
            snapshots.customer_id = tickets.customer_id
            and snapshots.snapshot_end > tickets.opened_at

    group by 1, 2

),

failed_payments as (

    select
        snapshots.snapshot_date,
        snapshots.customer_id,
        count(*) as failed_payments_90d

    from snapshots

    inner join payments
        on
            snapshots.customer_id = payments.customer_id
            and snapshots.snapshot_end > payments.created_at
            and payments.created_at >= {{ minus_90 }}

    group by 1, 2

),

overdue as (

    select
        snapshots.snapshot_date,
        snapshots.customer_id,
        count(*) as overdue_invoices

    from snapshots

    inner join invoices
        on
            snapshots.customer_id = invoices.customer_id
            and snapshots.snapshot_end > invoices.issued_at
            and snapshots.snapshot_end > invoices.due_at
            and (
                invoices.paid_at is null
                or snapshots.snapshot_end <= invoices.paid_at
            )

    group by 1, 2

),

ranked_responses as (

    select
        snapshots.snapshot_date,
        snapshots.customer_id,
        responses.survey_type,
        responses.score,
        row_number() over (
            partition by
                snapshots.snapshot_date,
                snapshots.customer_id,
                responses.survey_type
            order by responses.responded_at desc, responses.response_id desc
        ) as response_rank

    from snapshots

    inner join responses
        on
            snapshots.customer_id = responses.customer_id
            and snapshots.snapshot_end > responses.responded_at
            and responses.responded_at >= {{ minus_180 }}

),

sentiment as (

    select
        snapshot_date,
        customer_id,
        max(case when survey_type = 'nps' then score end) as latest_nps_score,
        max(case when survey_type = 'csat' then score end)
            as latest_csat_score

    from ranked_responses

    where response_rank = 1

    group by 1, 2

),

final as (

    select
        cast(snapshots.snapshot_date as date) as snapshot_date,
        snapshots.customer_id,
        cast(coalesce(user_counts.user_count, 0) as {{ dbt.type_bigint() }})
            as user_count,
        cast(coalesce(usage.active_users_30d, 0) as {{ dbt.type_bigint() }})
            as active_users_30d,
        cast(coalesce(usage.events_30d, 0) as {{ dbt.type_bigint() }})
            as events_30d,
        cast(
            coalesce(usage.events_previous_30d, 0) as {{ dbt.type_bigint() }}
        ) as events_previous_30d,
        cast(
            coalesce(breadth.key_features_used, 0) as {{ dbt.type_bigint() }}
        ) as key_features_used,
        cast(coalesce(support.open_tickets, 0) as {{ dbt.type_bigint() }})
            as open_tickets,
        cast(
            coalesce(support.open_urgent_tickets, 0) as {{ dbt.type_bigint() }}
        ) as open_urgent_tickets,
        cast(
            coalesce(support.slow_resolutions_90d, 0) as {{ dbt.type_bigint() }}
        ) as slow_resolutions_90d,
        cast(
            coalesce(failed_payments.failed_payments_90d, 0)
            as {{ dbt.type_bigint() }}
        ) as failed_payments_90d,
        cast(
            coalesce(overdue.overdue_invoices, 0) as {{ dbt.type_bigint() }}
        ) as overdue_invoices,
        cast(sentiment.latest_nps_score as {{ type_double() }})
            as latest_nps_score,
        cast(sentiment.latest_csat_score as {{ type_double() }})
            as latest_csat_score,
        system_coverage.has_product_data,
        system_coverage.has_support_data

    from snapshots

    cross join system_coverage

    left join user_counts
        on
            snapshots.snapshot_date = user_counts.snapshot_date
            and snapshots.customer_id = user_counts.customer_id

    left join usage
        on
            snapshots.snapshot_date = usage.snapshot_date
            and snapshots.customer_id = usage.customer_id

    left join breadth
        on
            snapshots.snapshot_date = breadth.snapshot_date
            and snapshots.customer_id = breadth.customer_id

    left join support
        on
            snapshots.snapshot_date = support.snapshot_date
            and snapshots.customer_id = support.customer_id

    left join failed_payments
        on
            snapshots.snapshot_date = failed_payments.snapshot_date
            and snapshots.customer_id = failed_payments.customer_id

    left join overdue
        on
            snapshots.snapshot_date = overdue.snapshot_date
            and snapshots.customer_id = overdue.customer_id

    left join sentiment
        on
            snapshots.snapshot_date = sentiment.snapshot_date
            and snapshots.customer_id = sentiment.customer_id

)

select * from final
