{# One row per month with qualifying activity (up to as_of_date), slicing
   dimension (all, segment, plan_tier, acquisition_channel, country_code)
   and value: users and accounts active in the month, average DAU,
   stickiness_ratio and usage_depth within the slice; the slice all is the
   whole business, which fct_engagement_monthly publishes. Average DAU over
   the month's days = user-days of activity / days of the month in
   fct_engagement_daily, so no per-day pass is needed. An account's plan
   tier is its tier that month (int_customer_slices_by_month). #}

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

days_per_month as (

    select
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as date_month,
        count(*) as days_in_month

    from daily

    group by 1

),

user_months as (

    select
        cast({{ dbt.date_trunc('month', 'user_days.activity_date') }} as date)
            as date_month,
        user_days.user_id,
        user_days.customer_id,
        count(*) as active_days

    from user_days

    inner join as_of
        on user_days.activity_date <= as_of.as_of_date

    group by 1, 2, 3

),

account_feature_months as (

    select
        date_month,
        customer_id,
        sum(feature_users) as user_feature_pairs

    from features

    group by 1, 2

),

account_months as (

    select
        user_months.date_month,
        user_months.customer_id,
        count(*) as active_users,
        sum(user_months.active_days) as user_days

    from user_months

    group by 1, 2

),

classified as (

    select
        account_months.date_month,
        account_months.customer_id,
        account_months.active_users,
        account_months.user_days,
        coalesce(account_feature_months.user_feature_pairs, 0)
            as user_feature_pairs

    from account_months

    left join account_feature_months
        on
            account_months.date_month = account_feature_months.date_month
            and account_months.customer_id = account_feature_months.customer_id
),

sliced as (

    {{ customer_slices('classified') }}

),

aggregated as (

    select
        date_month,
        dimension_name,
        dimension_value,
        count(*) as active_accounts,
        sum(active_users) as active_users,
        sum(user_days) as user_days,
        sum(user_feature_pairs) as user_feature_pairs

    from sliced

    group by 1, 2, 3

),

final as (

    select
        cast(aggregated.date_month as date) as date_month,
        cast(aggregated.dimension_name as {{ dbt.type_string() }})
            as dimension_name,
        cast(aggregated.dimension_value as {{ dbt.type_string() }})
            as dimension_value,
        cast(aggregated.active_users as {{ dbt.type_bigint() }})
            as active_users,
        cast(aggregated.active_accounts as {{ dbt.type_bigint() }})
            as active_accounts,
        cast(aggregated.user_days as {{ type_double() }})
        / days_per_month.days_in_month as average_dau,
        cast(aggregated.user_days as {{ type_double() }})
        / days_per_month.days_in_month
        / nullif(aggregated.active_users, 0) as stickiness_ratio,
        cast(aggregated.user_feature_pairs as {{ type_double() }})
        / nullif(aggregated.active_users, 0) as usage_depth

    from aggregated

    inner join days_per_month
        on aggregated.date_month = days_per_month.date_month

)

select * from final
