{# One row per month (up to the month of as_of_date) and acquisition
   channel with spend or new paying customers, plus one row per month for
   channel 'all': acquisition spend (reporting currency), new paying
   customers (first month with MRR > 0) acquired through the channel, cac
   = spend / new paying customers, and, from the channel's slice of
   fct_mrr_by_dimension_monthly, its ARPA and simple CLV:
   ltv_to_cac_ratio = simple_clv / cac and cac_payback_months = cac /
   (ARPA x var gross_margin). Spend on a channel that no customer names
   counts in 'all' and in its own row. Without any staged marketing spend
   (no marketing system), acquisition did not cost nothing: cac and the
   ratios built on it are NULL and has_spend_data is false. #}

with

spend as (

    select * from {{ ref('int_marketing_spend_converted') }}

),

slices as (

    select * from {{ ref('fct_mrr_by_dimension_monthly') }}

    where dimension_name in ('all', 'acquisition_channel')

),

months as (

    select * from {{ ref('util_months') }}

),

as_of as (

    select * from {{ ref('util_as_of_date') }}

),

spend_coverage as (

    select count(*) > 0 as has_spend_data from spend

),

spend_by_channel as (

    select
        cast({{ dbt.date_trunc('month', 'spend.spend_date') }} as date)
            as date_month,
        spend.channel_name as acquisition_channel,
        sum(spend.spend_amount) as spend_amount

    from spend

    inner join as_of
        on spend.spend_date <= as_of.as_of_date

    group by 1, 2

),

spend_with_total as (

    select * from spend_by_channel

    union all

    select
        date_month,
        'all' as acquisition_channel,
        sum(spend_amount) as spend_amount

    from spend_by_channel

    group by 1

),

customers_by_channel as (

    select
        date_month,
        dimension_value as acquisition_channel,
        new_customers,
        arpa,
        simple_clv

    from slices

),

channel_months as (

    select
        date_month,
        acquisition_channel

    from spend_with_total

    union

    select
        date_month,
        acquisition_channel

    from customers_by_channel

),

joined as (

    select
        channel_months.date_month,
        channel_months.acquisition_channel,
        months.is_complete_period,
        coalesce(spend_with_total.spend_amount, 0) as spend_amount,
        coalesce(customers_by_channel.new_customers, 0) as new_customers,
        customers_by_channel.arpa,
        customers_by_channel.simple_clv

    from channel_months

    inner join months
        on channel_months.date_month = months.date_month

    left join spend_with_total
        on
            channel_months.date_month = spend_with_total.date_month
            and channel_months.acquisition_channel
            = spend_with_total.acquisition_channel

    left join customers_by_channel
        on
            channel_months.date_month = customers_by_channel.date_month
            and channel_months.acquisition_channel
            = customers_by_channel.acquisition_channel

),

with_cac as (

    select
        joined.*,
        spend_coverage.has_spend_data,
        case
            when spend_coverage.has_spend_data
                then
                    cast(joined.spend_amount as {{ type_double() }})
                    / nullif(joined.new_customers, 0)
        end as cac

    from joined

    cross join spend_coverage

),

final as (

    select
        cast(date_month as date) as date_month,
        cast(acquisition_channel as {{ dbt.type_string() }})
            as acquisition_channel,
        cast(spend_amount as decimal(18, 4)) as spend_amount,
        cast(new_customers as {{ dbt.type_bigint() }}) as new_customers,
        {{ to_amount('cac') }} as cac,
        cast(arpa as decimal(18, 4)) as arpa,
        cast(simple_clv as decimal(18, 4)) as simple_clv,
        cast(simple_clv as {{ type_double() }})
        / nullif(cac, 0) as ltv_to_cac_ratio,
        cac / nullif(arpa * {{ var('gross_margin') }}, 0)
            as cac_payback_months,
        is_complete_period,
        has_spend_data

    from with_cac

)

select * from final
