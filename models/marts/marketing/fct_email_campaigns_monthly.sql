{# One row per campaign and month of sending (up to as_of_date): emails
   sent and delivered, unique opened deliveries, and email_open_rate =
   opened deliveries / delivered emails (NULL when none was delivered). An
   open after as_of_date does not count. #}

with

sends as (

    select * from {{ ref('stg_marketing__email_sends') }}

),

as_of as (

    select * from {{ ref('util_as_of_date') }}

),

flagged as (

    select
        sends.campaign_id,
        cast({{ dbt.date_trunc('month', 'sends.sent_at') }} as date)
            as date_month,
        case when sends.is_delivered then 1 else 0 end as is_delivered,
        case
            when
                sends.is_delivered
                and cast(sends.opened_at as date) <= as_of.as_of_date
                then 1
            else 0
        end as is_opened

    from sends

    inner join as_of
        on cast(sends.sent_at as date) <= as_of.as_of_date

),

aggregated as (

    select
        campaign_id,
        date_month,
        count(*) as emails_sent,
        sum(is_delivered) as emails_delivered,
        sum(is_opened) as emails_opened

    from flagged

    group by 1, 2

),

final as (

    select
        cast(campaign_id as {{ dbt.type_string() }}) as campaign_id,
        cast(date_month as date) as date_month,
        cast(emails_sent as {{ dbt.type_bigint() }}) as emails_sent,
        cast(emails_delivered as {{ dbt.type_bigint() }}) as emails_delivered,
        cast(emails_opened as {{ dbt.type_bigint() }}) as emails_opened,
        cast(emails_opened as {{ type_double() }}) / nullif(emails_delivered, 0)
            as email_open_rate

    from aggregated

)

select * from final
