{# One row per month with qualifying activity (up to as_of_date):
   users and accounts active in the month, the average daily DAU over the
   month's days (up to as_of_date), stickiness_ratio = average DAU / users
   active in the month, and usage_depth = average number of distinct
   features an active user used in the month. The whole business: the
   slice all of fct_engagement_by_dimension_monthly, where these are
   computed once. #}

with

sliced as (

    select * from {{ ref('fct_engagement_by_dimension_monthly') }}

    where dimension_name = 'all'

),

final as (

    select
        cast(date_month as date) as date_month,
        cast(active_users as {{ dbt.type_bigint() }}) as active_users,
        cast(active_accounts as {{ dbt.type_bigint() }}) as active_accounts,
        cast(average_dau as {{ type_double() }}) as average_dau,
        cast(stickiness_ratio as {{ type_double() }}) as stickiness_ratio,
        cast(usage_depth as {{ type_double() }}) as usage_depth

    from sliced

)

select * from final
