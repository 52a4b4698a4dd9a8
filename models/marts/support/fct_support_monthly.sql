{# One row per month (up to the month of as_of_date) and slice (all,
   priority, category, and the customer's segment, plan_tier,
   acquisition_channel, country_code): tickets opened, first-response and
   resolution hours (median and p90, over the month's tickets that had one
   by as_of_date), open backlog at the month's snapshot (opened before it,
   not resolved by it) and tickets per 100 paying customers (for the total
   and the customer slices, over the slice's paying customers; NULL for
   priority and category). A ticket's plan tier is its customer's in the
   month it was opened (int_customer_slices_by_month). #}

{% set first_response_seconds = dbt.datediff(
    'tickets.opened_at', 'tickets.first_response_at', 'second') %}
{% set resolution_seconds = dbt.datediff(
    'tickets.opened_at', 'tickets.resolved_at', 'second') %}

with

tickets as (

    select * from {{ ref('stg_support__tickets') }}

),

months as (

    select * from {{ ref('util_months') }}

),

customer_months as (

    select * from {{ ref('fct_customer_mrr_monthly') }}

    where is_paying

),

paying_sliced as (

    {{ customer_slices('customer_months') }}

),

paying as (

    select
        date_month,
        dimension_name,
        dimension_value,
        count(*) as paying_customers

    from paying_sliced

    group by 1, 2, 3

),

as_of as (

    select * from {{ ref('util_as_of_date') }}

),

timed as (

    select
        tickets.ticket_id,
        tickets.customer_id,
        tickets.priority,
        coalesce(tickets.category, 'unknown') as category,
        tickets.opened_at,
        cast({{ dbt.date_trunc('month', 'tickets.opened_at') }} as date)
            as date_month,
        case
            when cast(tickets.first_response_at as date) <= as_of.as_of_date
                then
                    cast(
                        {{ first_response_seconds }}
                        as {{ type_double() }}
                    )
                    / 3600
        end as first_response_hours,
        case
            when cast(tickets.resolved_at as date) <= as_of.as_of_date
                then
                    cast(
                        {{ resolution_seconds }}
                        as {{ type_double() }}
                    )
                    / 3600
        end as resolution_hours,
        case
            when cast(tickets.resolved_at as date) <= as_of.as_of_date
                then tickets.resolved_at
        end as resolved_at

    from tickets

    inner join as_of
        on cast(tickets.opened_at as date) <= as_of.as_of_date

),

sliced as (

    {{ customer_slices('timed', record_dimensions=['priority', 'category']) }}

),

opened as (

    select
        date_month,
        dimension_name,
        dimension_value,
        count(*) as tickets_opened,
        {{ retention.percentile_cont('first_response_hours', 0.5) }}
            as first_response_hours_median,
        {{ retention.percentile_cont('first_response_hours', 0.9) }}
            as first_response_hours_p90,
        {{ retention.percentile_cont('resolution_hours', 0.5) }}
            as resolution_hours_median,
        {{ retention.percentile_cont('resolution_hours', 0.9) }}
            as resolution_hours_p90

    from sliced

    group by 1, 2, 3

),

backlog as (

    select
        months.date_month,
        sliced.dimension_name,
        sliced.dimension_value,
        count(*) as open_backlog

    from months

    inner join sliced
        on
            months.snapshot_at > sliced.opened_at
            and (
                sliced.resolved_at is null
                or months.snapshot_at <= sliced.resolved_at
            )

    group by 1, 2, 3

),

cells as (

    select
        date_month,
        dimension_name,
        dimension_value

    from opened

    union

    select
        date_month,
        dimension_name,
        dimension_value

    from backlog

),

final as (

    select
        cast(cells.date_month as date) as date_month,
        cast(cells.dimension_name as {{ dbt.type_string() }})
            as dimension_name,
        cast(cells.dimension_value as {{ dbt.type_string() }})
            as dimension_value,
        cast(coalesce(opened.tickets_opened, 0) as {{ dbt.type_bigint() }})
            as tickets_opened,
        cast(opened.first_response_hours_median as {{ type_double() }})
            as first_response_hours_median,
        cast(opened.first_response_hours_p90 as {{ type_double() }})
            as first_response_hours_p90,
        cast(opened.resolution_hours_median as {{ type_double() }})
            as resolution_hours_median,
        cast(opened.resolution_hours_p90 as {{ type_double() }})
            as resolution_hours_p90,
        cast(coalesce(backlog.open_backlog, 0) as {{ dbt.type_bigint() }})
            as open_backlog,
        cast(100 * coalesce(opened.tickets_opened, 0) as {{ type_double() }})
        / nullif(paying.paying_customers, 0)
            as tickets_per_100_paying_customers

    from cells

    left join opened
        on {{ same_slice('cells', 'opened') }}

    left join backlog
        on {{ same_slice('cells', 'backlog') }}

    left join paying
        on {{ same_slice('cells', 'paying') }}

)

select * from final
