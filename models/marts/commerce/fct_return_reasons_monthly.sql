{# One row per month of return (up to as_of_date) and return reason:
   returns, units returned and their shares of the month's returns
   (missing reason = 'unknown'). #}

with

returns as (

    select * from {{ ref('stg_commerce__returns') }}

),

as_of as (

    select * from {{ ref('util_as_of_date') }}

),

counted as (

    select
        cast({{ dbt.date_trunc('month', 'returns.returned_at') }} as date)
            as date_month,
        coalesce(returns.return_reason, 'unknown') as return_reason,
        count(*) as return_count,
        sum(returns.quantity) as units_returned

    from returns

    inner join as_of
        on cast(returns.returned_at as date) <= as_of.as_of_date

    group by 1, 2

),

final as (

    select
        cast(date_month as date) as date_month,
        cast(return_reason as {{ dbt.type_string() }}) as return_reason,
        cast(return_count as {{ dbt.type_bigint() }}) as return_count,
        cast(units_returned as {{ dbt.type_bigint() }}) as units_returned,
        cast(return_count as {{ type_double() }})
        / sum(return_count) over (partition by date_month) as return_share,
        cast(units_returned as {{ type_double() }})
        / nullif(sum(units_returned) over (partition by date_month), 0)
            as units_share

    from counted

)

select * from final
