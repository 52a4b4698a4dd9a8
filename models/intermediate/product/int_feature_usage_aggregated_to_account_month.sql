{# One row per account, month and feature used by a qualifying event in
   the month (up to as_of_date): how many of the account's users used it. #}

-- a table, not the folder's view: it is a pass over the events, and two
-- marts read it
{{ config(materialized='table') }}

with

events as (

    select * from {{ ref('stg_product__events') }}

    where
        feature_name is not null
        and event_name not in (
            '{{ var("non_qualifying_events") | join("', '") }}'
        )

),

as_of as (

    select * from {{ ref('util_as_of_date') }}

),

aggregated as (

    select
        events.customer_id,
        cast({{ dbt.date_trunc('month', 'events.occurred_at') }} as date)
            as date_month,
        events.feature_name,
        count(distinct events.user_id) as feature_users

    from events

    inner join as_of
        on events.event_date <= as_of.as_of_date

    group by 1, 2, 3

)

select * from aggregated
