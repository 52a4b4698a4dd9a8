{# The slice all of fct_engagement_by_dimension_monthly (computed from
   user-months) equals fct_engagement_monthly (distinct users and the mean
   of the daily DAU), and every other dimension's accounts add up to all's
   (each account is in exactly one slice per dimension). #}

with

sliced as (

    select * from {{ ref('fct_engagement_by_dimension_monthly') }}

),

monthly as (

    select * from {{ ref('fct_engagement_monthly') }}

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

    select monthly.date_month

    from monthly

    left join sliced
        on
            monthly.date_month = sliced.date_month
            and sliced.dimension_name = 'all'

    where
        sliced.date_month is null
        or monthly.active_users != sliced.active_users
        or monthly.active_accounts != sliced.active_accounts
        or abs(monthly.average_dau - sliced.average_dau)
        > 1e-9 * (1 + monthly.average_dau)
        or abs(monthly.usage_depth - sliced.usage_depth) > 1e-9

),

failing_dimensions as (

    select dimension_totals.date_month

    from dimension_totals

    inner join monthly
        on dimension_totals.date_month = monthly.date_month

    where
        dimension_totals.active_accounts != monthly.active_accounts
        or dimension_totals.active_users != monthly.active_users

)

select * from failing_all

union all

select * from failing_dimensions
