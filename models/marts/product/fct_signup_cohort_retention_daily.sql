{# One row per signup date (users' created_at, up to as_of_date): cohort
   size and, for N in 1, 7 and 30, the users whose day N (signup date + N)
   is not after as_of_date, those of them with a qualifying event on day N,
   and day_N_retention_rate = retained / eligible (NULL while no user of
   the cohort is eligible). Sum the counts to roll cohorts up to weeks or
   months; do not average the rates. #}

{% set day_numbers = [1, 7, 30] %}
{% set day_1 = dbt.dateadd('day', 1, 'cohort_users.signup_date') %}
{% set day_7 = dbt.dateadd('day', 7, 'cohort_users.signup_date') %}
{% set day_30 = dbt.dateadd('day', 30, 'cohort_users.signup_date') %}

with

users as (

    select * from {{ ref('stg_product__users') }}

),

user_days as (

    select * from {{ ref('int_events_aggregated_to_user_day') }}

),

as_of as (

    select * from {{ ref('util_as_of_date') }}

),

cohort_users as (

    select
        users.user_id,
        cast(users.created_at as date) as signup_date,
        as_of.as_of_date

    from users

    inner join as_of
        on cast(users.created_at as date) <= as_of.as_of_date

),

{% for n in day_numbers %}
active_on_day_{{ n }} as (

    select distinct cohort_users.user_id

    from cohort_users

    inner join user_days
        on
            cohort_users.user_id = user_days.user_id
            and user_days.activity_date
            = {{ dbt.dateadd('day', n, 'cohort_users.signup_date') }}

),

{% endfor %}
flagged as (

    select
        cohort_users.signup_date,
        case
            when {{ day_1 }} <= cohort_users.as_of_date then 1
            else 0
        end as is_day_1_eligible,
        case
            when
                {{ day_1 }} <= cohort_users.as_of_date
                and active_on_day_1.user_id is not null
                then 1
            else 0
        end as is_day_1_retained,
        case
            when {{ day_7 }} <= cohort_users.as_of_date then 1
            else 0
        end as is_day_7_eligible,
        case
            when
                {{ day_7 }} <= cohort_users.as_of_date
                and active_on_day_7.user_id is not null
                then 1
            else 0
        end as is_day_7_retained,
        case
            when {{ day_30 }} <= cohort_users.as_of_date then 1
            else 0
        end as is_day_30_eligible,
        case
            when
                {{ day_30 }} <= cohort_users.as_of_date
                and active_on_day_30.user_id is not null
                then 1
            else 0
        end as is_day_30_retained

    from cohort_users

    left join active_on_day_1
        on cohort_users.user_id = active_on_day_1.user_id

    left join active_on_day_7
        on cohort_users.user_id = active_on_day_7.user_id

    left join active_on_day_30
        on cohort_users.user_id = active_on_day_30.user_id

),

aggregated as (

    select
        signup_date,
        count(*) as cohort_users,
        sum(is_day_1_eligible) as day_1_eligible_users,
        sum(is_day_1_retained) as day_1_retained_users,
        sum(is_day_7_eligible) as day_7_eligible_users,
        sum(is_day_7_retained) as day_7_retained_users,
        sum(is_day_30_eligible) as day_30_eligible_users,
        sum(is_day_30_retained) as day_30_retained_users

    from flagged

    group by 1

),

final as (

    select
        cast(signup_date as date) as signup_date,
        cast(cohort_users as {{ dbt.type_bigint() }}) as cohort_users,
        cast(day_1_eligible_users as {{ dbt.type_bigint() }})
            as day_1_eligible_users,
        cast(day_1_retained_users as {{ dbt.type_bigint() }})
            as day_1_retained_users,
        cast(day_1_retained_users as {{ type_double() }})
        / nullif(day_1_eligible_users, 0) as day_1_retention_rate,
        cast(day_7_eligible_users as {{ dbt.type_bigint() }})
            as day_7_eligible_users,
        cast(day_7_retained_users as {{ dbt.type_bigint() }})
            as day_7_retained_users,
        cast(day_7_retained_users as {{ type_double() }})
        / nullif(day_7_eligible_users, 0) as day_7_retention_rate,
        cast(day_30_eligible_users as {{ dbt.type_bigint() }})
            as day_30_eligible_users,
        cast(day_30_retained_users as {{ dbt.type_bigint() }})
            as day_30_retained_users,
        cast(day_30_retained_users as {{ type_double() }})
        / nullif(day_30_eligible_users, 0) as day_30_retention_rate

    from aggregated

)

select * from final
