{# For the 14 days up to as_of_date, wau and mau (and the account windows)
   equal a brute-force distinct count over the window, so the island method
   of fct_engagement_daily is checked against the data itself. #}

with

as_of as (

    select * from {{ ref('util_as_of_date') }}

),

{#- only the user-days a checked day's 28-day window can reach (after
    as_of_date - 41 days): the range join over every user-day took 186 s at
    500,000 customers #}

user_days as (

    select user_days.*

    from {{ ref('int_events_aggregated_to_user_day') }} as user_days

    cross join as_of

    where
        user_days.activity_date
        > {{ dbt.dateadd('day', -41, 'as_of.as_of_date') }}

),

engagement as (

    select * from {{ ref('fct_engagement_daily') }}

),

checked_days as (

    select engagement.*

    from engagement

    cross join as_of

    where
        engagement.date_day
        > {{ dbt.dateadd('day', -14, 'as_of.as_of_date') }}

),

brute_force as (

    select
        checked_days.date_day,
        count(
            distinct case
                when
                    user_days.activity_date
                    > {{ dbt.dateadd('day', -7, 'checked_days.date_day') }}
                    then user_days.user_id
            end
        ) as wau,
        count(distinct user_days.user_id) as mau,
        count(
            distinct case
                when
                    user_days.activity_date
                    > {{ dbt.dateadd('day', -7, 'checked_days.date_day') }}
                    then user_days.customer_id
            end
        ) as active_accounts_7d,
        count(distinct user_days.customer_id) as active_accounts_28d

    from checked_days

    inner join user_days
        on
            checked_days.date_day >= user_days.activity_date
            and user_days.activity_date
            > {{ dbt.dateadd('day', -28, 'checked_days.date_day') }}

    group by 1

),

compared as (

    select
        checked_days.date_day,
        checked_days.wau,
        brute_force.wau as brute_force_wau,
        checked_days.mau,
        brute_force.mau as brute_force_mau

    from checked_days

    left join brute_force
        on checked_days.date_day = brute_force.date_day

    where
        coalesce(brute_force.wau, 0) != checked_days.wau
        or coalesce(brute_force.mau, 0) != checked_days.mau
        or coalesce(brute_force.active_accounts_7d, 0)
        != checked_days.active_accounts_7d
        or coalesce(brute_force.active_accounts_28d, 0)
        != checked_days.active_accounts_28d

)

select * from compared
