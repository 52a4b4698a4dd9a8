{#- Pre-hook of the incremental int_events_aggregated_to_user_day: deletes
    the days a run must recompute (see the model's header): every day from
    (latest day loaded - var engagement_lookback_days) on, and every earlier
    day whose staged qualifying events differ from the loaded ones in the
    number of events or of users. Nothing on a full refresh. -#}
{% macro delete_stale_user_days() -%}
    {%- if not is_incremental() -%}
        {{ return('') }}
    {%- endif -%}
    {%- set staged = ref('stg_product__events') -%}
    delete from {{ this }}
    where activity_date in (
        select coalesce(staged_days.activity_date, loaded_days.activity_date)
        from (
            select
                cast(occurred_at as date) as activity_date,
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
    )
{%- endmacro %}
