{# One row: the as_of_date of this build ("today" for every mart). The var
   as_of_date when set; otherwise the latest date of recorded activity
   (events, invoices issued, payments, orders, tickets, survey responses),
   never a future period end or due date, so rebuilding the same data gives
   the same marts. #}

{% set as_of_literal = ("'" ~ var('as_of_date') ~ "'")
    if var('as_of_date') else none %}

with

events as (

    select max(occurred_at) as last_at from {{ ref('stg_product__events') }}

),

invoices as (

    select max(issued_at) as last_at from {{ ref('stg_billing__invoices') }}

),

payments as (

    select max(created_at) as last_at from {{ ref('stg_billing__payments') }}

),

orders as (

    select max(ordered_at) as last_at from {{ ref('stg_commerce__orders') }}

),

tickets as (

    select max(opened_at) as last_at from {{ ref('stg_support__tickets') }}

),

survey_responses as (

    select max(responded_at) as last_at
    from {{ ref('stg_support__survey_responses') }}

),

activity as (

    select last_at from events
    union all
    select last_at from invoices
    union all
    select last_at from payments
    union all
    select last_at from orders
    union all
    select last_at from tickets
    union all
    select last_at from survey_responses

),

latest_activity as (

    select max(last_at) as last_activity_at from activity

),

latest as (

    select
        cast({{ as_of_literal or 'last_activity_at' }} as date) as as_of_date,
        {{ 'true' if as_of_literal else 'false' }} as is_pinned_by_var,
        cast(last_activity_at as date) as last_activity_date

    from latest_activity

)

select * from latest
