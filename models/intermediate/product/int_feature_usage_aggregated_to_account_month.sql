{# One row per account, month and feature used by a qualifying event in
   the month (up to as_of_date): how many of the account's users used it. #}

-- a table, not the folder's view: it is a pass over the events, and two
-- marts read it.
{#- Incremental on DuckDB (macros/feature_usage_incremental.sql): a run
    keeps the months before the cutoff it recorded last time (the month
    of the latest day - var engagement_lookback_days) when a checksum of
    the user-days before it is unchanged, and computes the months after
    the last one the table still holds; equal to a full rebuild (tested).
    A table on the other engines. -#}
{{ config(
    materialized=('incremental' if target.type == 'duckdb' else 'table'),
    incremental_strategy=('append' if target.type == 'duckdb' else none),
    on_schema_change='append_new_columns',
    pre_hook="{{ retention.delete_stale_feature_usage_months() }}",
    post_hook="{{ retention.record_feature_usage_inputs_state() }}"
) }}

-- depends_on: {{ ref('int_events_aggregated_to_user_day') }}
-- depends_on: {{ ref('util_days') }}

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

{% if is_incremental() %}
-- the last month the table still holds (NULL: none)
kept_months as (

    select max(date_month) as last_kept_month from {{ this }}

),

{% endif %}

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
    {%- if is_incremental() %}

    cross join kept_months

    where
        kept_months.last_kept_month is null
        or events.event_date >= cast({{ dbt.dateadd(
            'month', 1, 'kept_months.last_kept_month') }} as date)
    {%- endif %}

    group by 1, 2, 3

)

select * from aggregated
