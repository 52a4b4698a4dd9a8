{# One row per user and day with at least one qualifying event (any event
   not in var non_qualifying_events): the account, the number of events and
   of distinct features used.
   Incremental because events are the largest export: a run reprocesses only
   the days from (latest day loaded - var engagement_lookback_days) on, and
   replaces those user-days, so events arriving up to that many days late
   are counted exactly as a full refresh would. #}

{{ config(
    materialized='incremental',
    unique_key=['user_id', 'activity_date'],
    incremental_strategy='delete+insert',
    on_schema_change='fail'
) }}

with

events as (

    select * from {{ ref('stg_product__events') }}

    where
        event_name not in (
            '{{ var("non_qualifying_events") | join("', '") }}'
        )
    {% if is_incremental() %}
            and cast(occurred_at as date) >= (
                select
                    {{ dbt.dateadd(
                        'day', -var('engagement_lookback_days'),
                        'max(activity_date)') }}
                from {{ this }}
            )
    {% endif %}

),

aggregated as (

    select
        user_id,
        customer_id,
        cast(occurred_at as date) as activity_date,
        count(*) as event_count,
        count(distinct feature_name) as feature_count

    from events

    group by 1, 2, 3

)

select * from aggregated
