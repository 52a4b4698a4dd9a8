{# One row per signup month, entity type (account, user) and slice (all,
   and the account's segment, acquisition_channel and country_code; plan
   tier is left out: at signup almost every account is not paying yet):
   accounts (users) signed up, those whose activation window (var
   activation_window_days after signup) has closed by as_of_date, those of
   them that performed every event of var activation_events inside the
   window (for an account: by any of its users), and activation_rate =
   activated / window closed. #}

{% set activation_events = var('activation_events') %}
{% set activation_event_list = "'" ~ activation_events | join("', '") ~ "'" %}

with

events as (

    select * from {{ ref('stg_product__events') }}

    where event_name in ({{ activation_event_list }})

),

users as (

    select * from {{ ref('stg_product__users') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

as_of as (

    select * from {{ ref('util_as_of_date') }}

),

entities as (

    select
        'user' as entity_type,
        user_id as entity_id,
        customer_id,
        created_at

    from users

    union all

    select
        'account' as entity_type,
        customer_id as entity_id,
        customer_id,
        created_at

    from customers

),

entity_events as (

    select
        'user' as entity_type,
        user_id as entity_id,
        event_name,
        occurred_at

    from events

    union all

    select
        'account' as entity_type,
        customer_id as entity_id,
        event_name,
        occurred_at

    from events

),

completed as (

    select
        entities.entity_type,
        entities.entity_id,
        count(distinct entity_events.event_name) as activation_events_done

    from entities

    inner join entity_events
        on
            entities.entity_type = entity_events.entity_type
            and entities.entity_id = entity_events.entity_id
            and entities.created_at <= entity_events.occurred_at
            and {{ dbt.dateadd(
                'day', var('activation_window_days'), 'entities.created_at') }}
            > entity_events.occurred_at

    group by 1, 2

),

flagged as (

    select
        entities.entity_type,
        cast({{ dbt.date_trunc('month', 'entities.created_at') }} as date)
            as signup_month,
        case
            when
                {{ dbt.dateadd('day', var('activation_window_days'),
                               'cast(entities.created_at as date)') }}
                <= as_of.as_of_date
                then 1
            else 0
        end as is_window_closed,
        case
            when
                coalesce(completed.activation_events_done, 0)
                = {{ activation_events | length }}
                then 1
            else 0
        end as is_activated,
        entities.customer_id

    from entities

    inner join as_of
        on cast(entities.created_at as date) <= as_of.as_of_date

    left join completed
        on
            entities.entity_type = completed.entity_type
            and entities.entity_id = completed.entity_id
),

sliced as (

    {{ customer_slices(
        'flagged', month_column='signup_month',
        dimensions=['segment', 'acquisition_channel', 'country_code']) }}

),

aggregated as (

    select
        signup_month,
        entity_type,
        dimension_name,
        dimension_value,
        count(*) as signed_up,
        sum(is_window_closed) as window_closed,
        sum(is_window_closed * is_activated) as activated

    from sliced

    group by 1, 2, 3, 4

),

final as (

    select
        cast(signup_month as date) as signup_month,
        cast(entity_type as {{ dbt.type_string() }}) as entity_type,
        cast(dimension_name as {{ dbt.type_string() }}) as dimension_name,
        cast(dimension_value as {{ dbt.type_string() }}) as dimension_value,
        cast(signed_up as {{ dbt.type_bigint() }}) as signed_up,
        cast(window_closed as {{ dbt.type_bigint() }}) as window_closed,
        cast(activated as {{ dbt.type_bigint() }}) as activated,
        cast(activated as {{ type_double() }}) / nullif(window_closed, 0)
            as activation_rate

    from aggregated

)

select * from final
