{# One row: the as_of_date of this build ("today" for every mart). The var
   as_of_date when set; otherwise the latest date of recorded activity
   (events, invoices issued, payments, orders, tickets, survey responses),
   never a future period end or due date, so rebuilding the same data gives
   the same marts. Also the first date of recorded activity (the same
   exports, customer sign-ups and service-period starts), where the day
   and month spines start. #}

{% set as_of_literal = ("'" ~ var('as_of_date') ~ "'")
    if var('as_of_date') else none %}

with

events as (

    select
        min(occurred_at) as first_at,
        max(occurred_at) as last_at

    from {{ ref('stg_product__events') }}

),

invoices as (

    select
        min(issued_at) as first_at,
        max(issued_at) as last_at

    from {{ ref('stg_billing__invoices') }}

),

payments as (

    select
        min(created_at) as first_at,
        max(created_at) as last_at

    from {{ ref('stg_billing__payments') }}

),

orders as (

    select
        min(ordered_at) as first_at,
        max(ordered_at) as last_at

    from {{ ref('stg_commerce__orders') }}

),

tickets as (

    select
        min(opened_at) as first_at,
        max(opened_at) as last_at

    from {{ ref('stg_support__tickets') }}

),

survey_responses as (

    select
        min(responded_at) as first_at,
        max(responded_at) as last_at

    from {{ ref('stg_support__survey_responses') }}

),

customers as (

    select
        min(created_at) as first_at,
        cast(null as {{ dbt.type_timestamp() }}) as last_at

    from {{ ref('stg_billing__customers') }}

),

service_periods as (

    select
        min(period_start_at) as first_at,
        cast(null as {{ dbt.type_timestamp() }}) as last_at

    from {{ ref('stg_billing__invoice_line_items') }}

),

activity as (
    {% for source in ['events', 'invoices', 'payments', 'orders', 'tickets',
                      'survey_responses', 'customers', 'service_periods'] %}
    select
        first_at,
        last_at
    from {{ source }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

latest_activity as (

    select
        min(first_at) as first_activity_at,
        max(last_at) as last_activity_at

    from activity

),

latest as (

    select
        cast({{ as_of_literal or 'last_activity_at' }} as date) as as_of_date,
        {{ 'true' if as_of_literal else 'false' }} as is_pinned_by_var,
        cast(last_activity_at as date) as last_activity_date,
        cast(first_activity_at as date) as first_activity_date

    from latest_activity

)

select * from latest
