{# One row per quarantined raw row of any export: the export, the row
   key, the reason, the offending column and the raw values. Rows here are
   the contract breaches that did not reach staging. #}

with

customers as (

    select * from {{ ref('base_billing__customers') }}

    where quarantine_reason is not null

),

invoice_line_items as (

    select * from {{ ref('base_billing__invoice_line_items') }}

    where quarantine_reason is not null

),

invoices as (

    select * from {{ ref('base_billing__invoices') }}

    where quarantine_reason is not null

),

payments as (

    select * from {{ ref('base_billing__payments') }}

    where quarantine_reason is not null

),

plans as (

    select * from {{ ref('base_billing__plans') }}

    where quarantine_reason is not null

),

subscriptions as (

    select * from {{ ref('base_billing__subscriptions') }}

    where quarantine_reason is not null

),

checkouts as (

    select * from {{ ref('base_commerce__checkouts') }}

    where quarantine_reason is not null

),

order_items as (

    select * from {{ ref('base_commerce__order_items') }}

    where quarantine_reason is not null

),

orders as (

    select * from {{ ref('base_commerce__orders') }}

    where quarantine_reason is not null

),

returns as (

    select * from {{ ref('base_commerce__returns') }}

    where quarantine_reason is not null

),

email_sends as (

    select * from {{ ref('base_marketing__email_sends') }}

    where quarantine_reason is not null

),

marketing_spend as (

    select * from {{ ref('base_marketing__marketing_spend') }}

    where quarantine_reason is not null

),

events as (

    select * from {{ ref('base_product__events') }}

    where quarantine_reason is not null

),

users as (

    select * from {{ ref('base_product__users') }}

    where quarantine_reason is not null

),

fx_rates as (

    select * from {{ ref('base_reference__fx_rates') }}

    where quarantine_reason is not null

),

survey_responses as (

    select * from {{ ref('base_support__survey_responses') }}

    where quarantine_reason is not null

),

tickets as (

    select * from {{ ref('base_support__tickets') }}

    where quarantine_reason is not null

),

unioned as (

    select export_name, row_key, quarantine_reason, raw_values, copies
    from customers

    union all

    select export_name, row_key, quarantine_reason, raw_values, copies
    from invoice_line_items

    union all

    select export_name, row_key, quarantine_reason, raw_values, copies
    from invoices

    union all

    select export_name, row_key, quarantine_reason, raw_values, copies
    from payments

    union all

    select export_name, row_key, quarantine_reason, raw_values, copies
    from plans

    union all

    select export_name, row_key, quarantine_reason, raw_values, copies
    from subscriptions

    union all

    select export_name, row_key, quarantine_reason, raw_values, copies
    from checkouts

    union all

    select export_name, row_key, quarantine_reason, raw_values, copies
    from order_items

    union all

    select export_name, row_key, quarantine_reason, raw_values, copies
    from orders

    union all

    select export_name, row_key, quarantine_reason, raw_values, copies
    from returns

    union all

    select export_name, row_key, quarantine_reason, raw_values, copies
    from email_sends

    union all

    select export_name, row_key, quarantine_reason, raw_values, copies
    from marketing_spend

    union all

    select export_name, row_key, quarantine_reason, raw_values, copies
    from events

    union all

    select export_name, row_key, quarantine_reason, raw_values, copies
    from users

    union all

    select export_name, row_key, quarantine_reason, raw_values, copies
    from fx_rates

    union all

    select export_name, row_key, quarantine_reason, raw_values, copies
    from survey_responses

    union all

    select export_name, row_key, quarantine_reason, raw_values, copies
    from tickets

),

split as (

    select
        export_name,
        row_key,
        {{ dbt.split_part('quarantine_reason', "':'", 1) }} as reason,
        {{ dbt.split_part('quarantine_reason', "':'", 2) }} as column_name,
        raw_values,
        copies as raw_copies

    from unioned

)

select * from split
