{# One row per month and feature: accounts that used the feature in the
   month, accounts active in the month, and feature_adoption_rate = the
   first / the second. #}

with

features as (

    select * from {{ ref('int_feature_usage_aggregated_to_account_month') }}

),

monthly as (

    select * from {{ ref('fct_engagement_monthly') }}

),

adopters as (

    select
        date_month,
        feature_name,
        count(distinct customer_id) as adopting_accounts

    from features

    group by 1, 2

),

final as (

    select
        cast(adopters.date_month as date) as date_month,
        cast(adopters.feature_name as {{ dbt.type_string() }})
            as feature_name,
        cast(adopters.adopting_accounts as {{ dbt.type_bigint() }})
            as adopting_accounts,
        cast(monthly.active_accounts as {{ dbt.type_bigint() }})
            as active_accounts,
        cast(adopters.adopting_accounts as {{ type_double() }})
        / nullif(monthly.active_accounts, 0) as feature_adoption_rate

    from adopters

    inner join monthly
        on adopters.date_month = monthly.date_month

)

select * from final
