{# One row per month with qualifying activity (up to as_of_date):
   users and accounts active in the month, the average daily DAU over the
   month's days (up to as_of_date), stickiness_ratio = average DAU / users
   active in the month, and usage_depth = average number of distinct
   features an active user used in the month. #}

with

user_days as (

    select * from {{ ref('int_events_aggregated_to_user_day') }}

),

daily as (

    select * from {{ ref('fct_engagement_daily') }}

),

features as (

    select * from {{ ref('int_feature_usage_aggregated_to_account_month') }}

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

    from user_days

    inner join as_of
        on user_days.activity_date <= as_of.as_of_date

    group by 1

),

average_dau as (

    select
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as date_month,
        avg(cast(dau as double precision)) as average_dau

    from daily

    group by 1

),

depth as (

    select
        date_month,
        count(distinct feature_name) as features_used,
        sum(feature_users) as user_feature_pairs

    from features

    group by 1

),

final as (

    select
        cast(active_in_month.date_month as date) as date_month,
        cast(active_in_month.active_users as {{ dbt.type_bigint() }})
            as active_users,
        cast(active_in_month.active_accounts as {{ dbt.type_bigint() }})
            as active_accounts,
        average_dau.average_dau,
        average_dau.average_dau
        / nullif(active_in_month.active_users, 0) as stickiness_ratio,
        cast(coalesce(depth.user_feature_pairs, 0) as double precision)
        / nullif(active_in_month.active_users, 0) as usage_depth

    from active_in_month

    left join average_dau
        on active_in_month.date_month = average_dau.date_month

    left join depth
        on active_in_month.date_month = depth.date_month

)

select * from final
