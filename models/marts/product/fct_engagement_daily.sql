{# One row per day from the first day with qualifying activity to
   as_of_date: daily, weekly and monthly active users (dau; wau and mau =
   distinct users with a qualifying event in the trailing 7 and 28 days
   ending that day) and the same for accounts.
   Trailing windows are counted without exploding days: each user's (or
   account's) activity days are merged into islands of coverage
   [first day, last day + window) and a running sum of +1 at each island
   start and -1 at its end gives the distinct count per day. An island
   starts on a day more than the window after the previous activity day
   and ends on a day more than the window before the next one: one sort
   per entity finds both, for both windows. #}

{#- Incremental on DuckDB (macros/engagement_incremental.sql): a run keeps
    the days before the cutoff it recorded last time (latest day - var
    engagement_lookback_days) when a checksum of the user-days before it
    is unchanged, and computes the days the table no longer holds from
    the user-days of the longest window before them on; equal to a full
    rebuild (tested). A table on the other engines. -#}
{{ config(
    materialized=('incremental' if target.type == 'duckdb' else 'table'),
    incremental_strategy=('append' if target.type == 'duckdb' else none),
    on_schema_change='append_new_columns',
    pre_hook="{{ retention.delete_stale_engagement_days() }}",
    post_hook="{{ retention.record_engagement_inputs_state() }}"
) }}

{% set entities = [('user', 'user_id'), ('account', 'customer_id')] %}
{% set windows = [7, 28] %}

with

user_days as (

    select * from {{ ref('int_events_aggregated_to_user_day') }}

),

days as (

    select * from {{ ref('util_days') }}

),

as_of as (

    select * from {{ ref('util_as_of_date') }}

),

{% if is_incremental() %}
-- the first day the table no longer holds (NULL: it holds none)
recompute_from as (

    select
        cast({{ dbt.dateadd('day', 1, 'max(date_day)') }} as date)
            as first_new_day

    from {{ this }}

),

{% endif %}

active_user_days as (

    select
        user_days.user_id,
        user_days.customer_id,
        user_days.activity_date

    from user_days

    inner join as_of
        on user_days.activity_date <= as_of.as_of_date
    {%- if is_incremental() %}

    {#- the days to compute read the longest window before them #}
    cross join recompute_from

    where
        recompute_from.first_new_day is null
        or user_days.activity_date >= cast({{ dbt.dateadd(
            'day', -(windows | max), 'recompute_from.first_new_day') }} as date)
    {%- endif %}

),

account_days as (

    select distinct
        customer_id,
        activity_date

    from active_user_days

),

daily_counts as (

    select
        activity_date,
        count(*) as dau

    from active_user_days

    group by 1

),

daily_account_counts as (

    select
        activity_date,
        count(*) as active_accounts

    from account_days

    group by 1

),

{#- one pass per entity: the gap to its previous and to its next activity
    day (one sort serves both windows) #}
{% for entity, key in entities %}
{% set source = 'active_user_days' if entity == 'user' else 'account_days' %}
{% set previous_day = 'lag(activity_date) over (partition by ' ~ key
    ~ ' order by activity_date)' %}
{% set next_day = 'lead(activity_date) over (partition by ' ~ key
    ~ ' order by activity_date)' %}
gaps_{{ entity }} as (

    select
        activity_date,
        {{ dbt.datediff(previous_day, 'activity_date', 'day') }}
            as days_since_previous,
        {{ dbt.datediff('activity_date', next_day, 'day') }}
            as days_to_next

    from {{ source }}

),

{% endfor %}
{#- an island starts on a day whose previous activity is more than the
    window before it (+1 that day) and ends on a day whose next activity is
    more than the window after it (-1 a window later) #}
{% for entity, _ in entities %}
{% for window in windows %}
daily_deltas_{{ entity }}_{{ window }} as (

    select
        change_date,
        sum(delta) as delta

    from (

        select
            activity_date as change_date,
            1 as delta

        from gaps_{{ entity }}

        where
            days_since_previous is null
            or days_since_previous > {{ window }}

        union all

        select
            cast({{ dbt.dateadd('day', window, 'activity_date') }} as date)
                as change_date,
            -1 as delta

        from gaps_{{ entity }}

        where days_to_next is null or days_to_next > {{ window }}

    ) as island_edges

    group by 1

),

{% endfor %}
{% endfor %}
{#- incrementally: the running sums start at the first activity read,
    and the spine reaches back to the first day to compute even when no
    activity is read #}
first_day as (

    select min(activity_date) as first_activity_date

    from (

        select activity_date from active_user_days
        {%- if is_incremental() %}

        union all

        select first_new_day from recompute_from
        {%- endif %}

    ) as start_days

),

spine as (

    select days.date_day

    from days

    inner join first_day
        on days.date_day >= first_day.first_activity_date

),

joined as (

    select
        spine.date_day,
        coalesce(daily_counts.dau, 0) as dau,
        coalesce(daily_account_counts.active_accounts, 0) as active_accounts,
        coalesce(daily_deltas_user_7.delta, 0) as delta_user_7,
        coalesce(daily_deltas_user_28.delta, 0) as delta_user_28,
        coalesce(daily_deltas_account_7.delta, 0) as delta_account_7,
        coalesce(daily_deltas_account_28.delta, 0) as delta_account_28

    from spine

    left join daily_counts
        on spine.date_day = daily_counts.activity_date

    left join daily_account_counts
        on spine.date_day = daily_account_counts.activity_date

    left join daily_deltas_user_7
        on spine.date_day = daily_deltas_user_7.change_date

    left join daily_deltas_user_28
        on spine.date_day = daily_deltas_user_28.change_date

    left join daily_deltas_account_7
        on spine.date_day = daily_deltas_account_7.change_date

    left join daily_deltas_account_28
        on spine.date_day = daily_deltas_account_28.change_date

),

running as (

    select
        date_day,
        dau,
        active_accounts,
        sum(delta_user_7) over (
            order by date_day
            rows between unbounded preceding and current row
        ) as active_user_7,
        sum(delta_user_28) over (
            order by date_day
            rows between unbounded preceding and current row
        ) as active_user_28,
        sum(delta_account_7) over (
            order by date_day
            rows between unbounded preceding and current row
        ) as active_account_7,
        sum(delta_account_28) over (
            order by date_day
            rows between unbounded preceding and current row
        ) as active_account_28

    from joined

),

final as (

    select
        cast(date_day as date) as date_day,
        cast(dau as {{ dbt.type_bigint() }}) as dau,
        cast(active_user_7 as {{ dbt.type_bigint() }}) as wau,
        cast(active_user_28 as {{ dbt.type_bigint() }}) as mau,
        cast(active_accounts as {{ dbt.type_bigint() }}) as active_accounts,
        cast(active_account_7 as {{ dbt.type_bigint() }})
            as active_accounts_7d,
        cast(active_account_28 as {{ dbt.type_bigint() }})
            as active_accounts_28d,
        cast(dau as {{ type_double() }}) / nullif(active_user_28, 0)
            as dau_mau_ratio

    from running
    {%- if is_incremental() %}

    cross join recompute_from

    where
        recompute_from.first_new_day is null
        or running.date_day >= recompute_from.first_new_day
    {%- endif %}

)

select * from final
