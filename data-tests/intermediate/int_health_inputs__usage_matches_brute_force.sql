{# For the latest four weekly snapshots (those a daily run computes), the
   usage inputs of int_health_inputs_aggregated_to_customer_week equal a
   brute-force count over the user-days of each snapshot's 60 days, so the
   running sums of the model are checked against the data itself. #}

with

inputs as (

    select * from {{ ref('int_health_inputs_aggregated_to_customer_week') }}

),

checked_dates as (

    select snapshot_date

    from (

        select distinct snapshot_date from inputs

    ) as snapshot_dates

    order by snapshot_date desc

    limit 4

),

checked as (

    select
        inputs.snapshot_date,
        inputs.customer_id,
        inputs.active_users_30d,
        inputs.events_30d,
        inputs.events_previous_30d,
        cast({{ dbt.dateadd('day', 1, 'inputs.snapshot_date') }} as date)
            as snapshot_end

    from inputs

    inner join checked_dates
        on inputs.snapshot_date = checked_dates.snapshot_date

),

{# only the user-days the checked snapshots' windows can reach #}
first_read as (

    select
        cast({{ dbt.dateadd('day', -59, 'min(snapshot_date)') }} as date)
            as first_day

    from checked_dates

),

user_days as (

    select user_days.*

    from {{ ref('int_events_aggregated_to_user_day') }} as user_days

    inner join first_read
        on user_days.activity_date >= first_read.first_day

),

brute_force as (

    select
        checked.snapshot_date,
        checked.customer_id,
        count(
            distinct case
                when
                    user_days.activity_date
                    >= {{ dbt.dateadd('day', -30, 'checked.snapshot_end') }}
                    then user_days.user_id
            end
        ) as active_users_30d,
        sum(
            case
                when
                    user_days.activity_date
                    >= {{ dbt.dateadd('day', -30, 'checked.snapshot_end') }}
                    then user_days.event_count
                else 0
            end
        ) as events_30d,
        sum(
            case
                when
                    user_days.activity_date
                    < {{ dbt.dateadd('day', -30, 'checked.snapshot_end') }}
                    then user_days.event_count
                else 0
            end
        ) as events_previous_30d

    from checked

    inner join user_days
        on
            checked.customer_id = user_days.customer_id
            and checked.snapshot_end > user_days.activity_date
            and user_days.activity_date
            >= {{ dbt.dateadd('day', -60, 'checked.snapshot_end') }}

    group by checked.snapshot_date, checked.customer_id

),

compared as (

    select
        checked.snapshot_date,
        checked.customer_id,
        checked.active_users_30d,
        brute_force.active_users_30d as brute_force_active_users_30d,
        checked.events_30d,
        brute_force.events_30d as brute_force_events_30d,
        checked.events_previous_30d,
        brute_force.events_previous_30d as brute_force_events_previous_30d

    from checked

    left join brute_force
        on
            checked.snapshot_date = brute_force.snapshot_date
            and checked.customer_id = brute_force.customer_id

    where
        coalesce(brute_force.active_users_30d, 0) != checked.active_users_30d
        or coalesce(brute_force.events_30d, 0) != checked.events_30d
        or coalesce(brute_force.events_previous_30d, 0)
        != checked.events_previous_30d

)

select * from compared
