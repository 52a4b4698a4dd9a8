{# One row per user and day with at least one qualifying event (any event
   not in var non_qualifying_events): the account, the number of events and
   of distinct features used.
   Incremental because events are the largest export. Before a run adds
   rows, its pre-hook (macro stale_user_days) deletes every day that must
   be recomputed: the days from (latest day loaded - var
   engagement_lookback_days) on, so that events arriving up to that many
   days late are counted, and any earlier day whose staged qualifying
   events no longer match what the table was built from (their checksum
   differs: rows quarantined by a later run, removed from the export,
   changed, or added to an old day). The run then appends the days the table
   no longer holds, so it equals a full refresh (tested); `make run
   FULL_REFRESH=1` rebuilds it from scratch. #}

{#- On Spark, parquet tables take no DELETE: the table is partitioned by
    month (activity_month, a column only Spark has) and a run recomputes
    every day of each month that holds a stale day and overwrites those
    months' partitions, reading only those months' partitions of the
    staged events (partitioned by event_month). #}
{{ config(
    materialized='incremental',
    incremental_strategy=(
        'insert_overwrite' if target.type == 'spark' else 'append'),
    partition_by=(['activity_month'] if target.type == 'spark' else none),
    file_format=('parquet' if target.type == 'spark' else none),
    on_schema_change='append_new_columns',
    pre_hook="{{ retention.delete_stale_user_days() }}"
) }}

with

events as (

    select * from {{ ref('stg_product__events') }}

    where
        event_name not in (
            '{{ var("non_qualifying_events") | join("', '") }}'
        )

),

{% if is_incremental() and target.type == 'spark' %}
stale_months as (

    select distinct
        cast({{ dbt.date_trunc('month', 'activity_date') }} as date)
            as activity_month
    from ({{ retention.stale_user_days() }}) as stale (activity_date)

),

{% elif is_incremental() %}
loaded_days as (

    {#- what the pre-hook kept: unchanged days, not recomputed #}
    select distinct activity_date from {{ this }}

),

{% endif %}
aggregated as (

    select
        {% if target.type == 'spark' -%}
        events.event_month as activity_month,
        {% endif -%}
        events.user_id,
        events.customer_id,
        events.event_date as activity_date,
        count(*) as event_count,
        count(distinct events.feature_name) as feature_count,
        {#- what the day's staleness check compares (macro stale_user_days) #}
        sum({{ retention.event_checksum() }}) as event_checksum,
        {#- the run that wrote the row (macro new_rows_data_tests) #}
        {{ retention.run_started_timestamp() }} as built_at

    from events
    {%- if is_incremental() and target.type == 'spark' %}

    inner join stale_months
        on events.event_month = stale_months.activity_month
    {%- elif is_incremental() %}

    left join loaded_days
        on events.event_date = loaded_days.activity_date

    where loaded_days.activity_date is null
    {%- endif %}

    group by 1, 2, 3{{ ', 4' if target.type == 'spark' }}

)

select * from aggregated
{%- if target.type == 'spark' %}

{#- one file per month partition, as in stg_product__events #}
distribute by activity_month
{%- endif %}
