{# The slice all of fct_engagement_by_dimension_monthly (computed from
   account-months: user-days / days of the month) equals a recomputation by
   another route: distinct users and accounts of the user-days up to
   as_of_date, the mean of fct_engagement_daily's DAU, and user-feature
   pairs / users. And every other dimension's accounts and users add up to
   all's (each account is in exactly one slice per dimension). #}

with

sliced as (

    select * from {{ ref('fct_engagement_by_dimension_monthly') }}

),

as_of as (

    select * from {{ ref('util_as_of_date') }}

),

active_in_month as (

    select
        cast({{ dbt.date_trunc('month', 'user_days.activity_date') }} as date)
            as date_month,
        count(distinct user_days.user_id) as active_users,
        count(distinct user_days.customer_id) as active_accounts

    from {{ ref('int_events_aggregated_to_user_day') }} as user_days

    inner join as_of
        on user_days.activity_date <= as_of.as_of_date

    group by 1

),

average_dau as (

    select
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as date_month,
        avg(cast(dau as double precision)) as average_dau

    from {{ ref('fct_engagement_daily') }}

    group by 1

),

depth as (

    select
        date_month,
        sum(feature_users) as user_feature_pairs

    from {{ ref('int_feature_usage_aggregated_to_account_month') }}

    group by 1

),

recomputed as (

    select
        active_in_month.date_month,
        active_in_month.active_users,
        active_in_month.active_accounts,
        average_dau.average_dau,
        cast(coalesce(depth.user_feature_pairs, 0) as double precision)
        / nullif(active_in_month.active_users, 0) as usage_depth

    from active_in_month

    left join average_dau
        on active_in_month.date_month = average_dau.date_month

    left join depth
        on active_in_month.date_month = depth.date_month

),

dimension_totals as (

    select
        date_month,
        dimension_name,
        sum(active_accounts) as active_accounts,
        sum(active_users) as active_users

    from sliced

    group by 1, 2

),

failing_all as (

    select recomputed.date_month

    from recomputed

    left join sliced
        on
            recomputed.date_month = sliced.date_month
            and sliced.dimension_name = 'all'

    where
        sliced.date_month is null
        or recomputed.active_users != sliced.active_users
        or recomputed.active_accounts != sliced.active_accounts
        or abs(recomputed.average_dau - sliced.average_dau)
        > 1e-9 * (1 + recomputed.average_dau)
        or abs(recomputed.usage_depth - sliced.usage_depth) > 1e-9

),

failing_dimensions as (

    select dimension_totals.date_month

    from dimension_totals

    inner join sliced
        on
            dimension_totals.date_month = sliced.date_month
            and sliced.dimension_name = 'all'

    where
        dimension_totals.active_accounts != sliced.active_accounts
        or dimension_totals.active_users != sliced.active_users

)

select * from failing_all

union all

select * from failing_dimensions
