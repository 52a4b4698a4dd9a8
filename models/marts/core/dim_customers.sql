{# One row per customer account, PII-free (no name, no email): the
   attributes BI tools slice by. #}

with

customers as (

    select * from {{ ref('stg_billing__customers') }}

),

users as (

    select * from {{ ref('stg_product__users') }}

),

as_of as (

    select * from {{ ref('util_as_of_date') }}

),

users_per_customer as (

    select
        users.customer_id,
        count(*) as user_count

    from users

    inner join as_of
        on cast(users.created_at as date) <= as_of.as_of_date

    group by 1

),

final as (

    select
        cast(customers.customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(customers.country_code as {{ dbt.type_string() }})
            as country_code,
        cast(customers.segment as {{ dbt.type_string() }}) as segment,
        cast(customers.acquisition_channel as {{ dbt.type_string() }})
            as acquisition_channel,
        cast(
            coalesce(users_per_customer.user_count, 0)
            as {{ dbt.type_bigint() }}
        ) as user_count,
        cast(customers.created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast({{ dbt.date_trunc('month', 'customers.created_at') }} as date)
            as signup_month

    from customers

    inner join as_of
        on cast(customers.created_at as date) <= as_of.as_of_date

    left join users_per_customer
        on customers.customer_id = users_per_customer.customer_id

)

select * from final
