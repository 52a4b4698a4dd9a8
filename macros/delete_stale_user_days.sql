{#- The days an incremental run of int_events_aggregated_to_user_day must
    recompute (see the model's header): every day from (latest day loaded -
    var engagement_lookback_days) on, and every earlier day whose staged
    qualifying events differ from the ones the table was built from: their
    checksum (the sum of event_checksum over the day's events: a hash of
    each event's id, user, account and feature) differs from the table's,
    or the day is only on one side. A count of events and of users alone
    misses a day where one user's events left and as many of another's
    arrived. A select of one column, activity_date. -#}
{% macro stale_user_days() -%}
    {%- set staged = ref('stg_product__events') -%}
    select coalesce(staged_days.activity_date, loaded_days.activity_date)
    from (
        select
            event_date as activity_date,
            sum({{ retention.event_checksum() }}) as event_checksum
        from {{ staged }}
        where event_name not in (
            '{{ var("non_qualifying_events") | join("', '") }}'
        )
        group by 1
    ) as staged_days
    full outer join (
        select
            activity_date,
            sum(event_checksum) as event_checksum
        from {{ this }}
        group by 1
    ) as loaded_days
        on staged_days.activity_date = loaded_days.activity_date
    where
        staged_days.activity_date is null
        or loaded_days.activity_date is null
        or staged_days.event_checksum != loaded_days.event_checksum
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
    model overwrites the month partitions that hold a stale day
    (insert_overwrite); a loaded month with no staged qualifying event left
    would get no new partition, so this hook drops those months'
    partitions. Nothing on a full refresh. -#}
{% macro delete_stale_user_days() -%}
    {%- if not is_incremental() -%}
        {{ return('') }}
    {%- endif -%}
    {%- if target.type == 'spark' -%}
        {%- if not execute -%}
            {{ return('') }}
        {%- endif -%}
        {%- set vanished = run_query(
            "select distinct activity_month from " ~ this
            ~ " where activity_month not in (select event_month from "
            ~ ref('stg_product__events') ~ " where event_name not in ('"
            ~ var('non_qualifying_events') | join("', '") ~ "'))") -%}
        {%- if vanished.rows | length == 0 -%}
            {{ return('') }}
        {%- endif %}
    alter table {{ this }} drop if exists
    {%- for row in vanished.rows %}
        partition (activity_month = '{{ row[0] }}'){{ ',' if not loop.last }}
    {%- endfor %}
    {%- else %}
    delete from {{ this }}
    where activity_date in ({{ retention.stale_user_days() }})
    {%- endif %}
{%- endmacro %}

{#- A hash of what a staged event contributes to its user-day row
    (event_id, user_id, customer_id, feature_name), for the day checksums
    of stale_user_days. Summed per user-day and per day, so a sum must not
    overflow: DuckDB's hash is a 64-bit unsigned integer whose sum is a
    HUGEINT, PostgreSQL's a BIGINT summed as NUMERIC; Spark sums a BIGINT
    as a BIGINT and, in ANSI mode, fails on overflow, so there the 64-bit
    xxhash64 is reduced to 32 bits (a day of 2 billion events still
    sums below 2^63). -#}
{% macro event_checksum() -%}
    {{ return(adapter.dispatch('event_checksum', 'retention')()) }}
{%- endmacro %}

{% macro default__event_checksum() -%}
    hashtextextended(concat_ws(
        '|', event_id, user_id, customer_id, coalesce(feature_name, '\\N')
    ), 0)
{%- endmacro %}

{% macro duckdb__event_checksum() -%}
    hash(event_id, user_id, customer_id, feature_name)
{%- endmacro %}

{% macro spark__event_checksum() -%}
    pmod(xxhash64(event_id, user_id, customer_id, feature_name), 4294967296)
{%- endmacro %}
