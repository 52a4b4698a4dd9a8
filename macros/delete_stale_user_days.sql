{#- The days an incremental run of int_events_aggregated_to_user_day must
    recompute (see the model's header): every day from (latest day loaded -
    var engagement_lookback_days) on, and every earlier day whose staged
    qualifying events differ from the loaded ones in the number of events
    or of users. A select of one column, activity_date. -#}
{% macro stale_user_days() -%}
    {%- set staged = ref('stg_product__events') -%}
    select coalesce(staged_days.activity_date, loaded_days.activity_date)
    from (
        select
            event_date as activity_date,
            count(*) as event_count,
            count(distinct user_id) as user_count
        from {{ staged }}
        where event_name not in (
            '{{ var("non_qualifying_events") | join("', '") }}'
        )
        group by 1
    ) as staged_days
    full outer join (
        select
            activity_date,
            sum(event_count) as event_count,
            count(distinct user_id) as user_count
        from {{ this }}
        group by 1
    ) as loaded_days
        on staged_days.activity_date = loaded_days.activity_date
    where
        staged_days.activity_date is null
        or loaded_days.activity_date is null
        or staged_days.event_count != loaded_days.event_count
        or staged_days.user_count != loaded_days.user_count
        or coalesce(staged_days.activity_date, loaded_days.activity_date)
        >= (
            select {{ dbt.dateadd(
                'day', -var('engagement_lookback_days'),
                'max(activity_date)') }}
            from {{ this }}
        )
{%- endmacro %}

{#- Pre-hook of the incremental int_events_aggregated_to_user_day. On DuckDB
    and PostgreSQL it deletes the stale days; the run then appends the days
    the table no longer holds. On Spark (parquet tables take no DELETE) the
    model overwrites the partitions of the stale days (insert_overwrite);
    a loaded day with no staged qualifying event left would get no new
    partition, so this hook drops those days' partitions. Nothing on a
    full refresh. -#}
{% macro delete_stale_user_days() -%}
    {%- if not is_incremental() -%}
        {{ return('') }}
    {%- endif -%}
    {%- if target.type == 'spark' -%}
        {%- if not execute -%}
            {{ return('') }}
        {%- endif -%}
        {%- set vanished = run_query(
            "select distinct activity_date from " ~ this
            ~ " where activity_date not in (select event_date from "
            ~ ref('stg_product__events') ~ " where event_name not in ('"
            ~ var('non_qualifying_events') | join("', '") ~ "'))") -%}
        {%- if vanished.rows | length == 0 -%}
            {{ return('') }}
        {%- endif %}
    alter table {{ this }} drop if exists
    {%- for row in vanished.rows %}
        partition (activity_date = '{{ row[0] }}'){{ ',' if not loop.last }}
    {%- endfor %}
    {%- else %}
    delete from {{ this }}
    where activity_date in ({{ retention.stale_user_days() }})
    {%- endif %}
{%- endmacro %}
