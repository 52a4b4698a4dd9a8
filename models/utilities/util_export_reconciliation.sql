{# One row per raw export: raw rows, exact duplicates removed, staged rows
   and quarantined rows, so that raw = staged + quarantined + duplicates
   can be tested for every export. #}

with

base_customers as (

    select * from {{ ref('base_billing__customers') }}

),

stg_customers as (

    select * from {{ ref('stg_billing__customers') }}

),

base_invoice_line_items as (

    select * from {{ ref('base_billing__invoice_line_items') }}

),

stg_invoice_line_items as (

    select * from {{ ref('stg_billing__invoice_line_items') }}

),

base_invoices as (

    select * from {{ ref('base_billing__invoices') }}

),

stg_invoices as (

    select * from {{ ref('stg_billing__invoices') }}

),

base_payments as (

    select * from {{ ref('base_billing__payments') }}

),

stg_payments as (

    select * from {{ ref('stg_billing__payments') }}

),

base_plans as (

    select * from {{ ref('base_billing__plans') }}

),

stg_plans as (

    select * from {{ ref('stg_billing__plans') }}

),

base_subscriptions as (

    select * from {{ ref('base_billing__subscriptions') }}

),

stg_subscriptions as (

    select * from {{ ref('stg_billing__subscriptions') }}

),

base_checkouts as (

    select * from {{ ref('base_commerce__checkouts') }}

),

stg_checkouts as (

    select * from {{ ref('stg_commerce__checkouts') }}

),

base_order_items as (

    select * from {{ ref('base_commerce__order_items') }}

),

stg_order_items as (

    select * from {{ ref('stg_commerce__order_items') }}

),

base_orders as (

    select * from {{ ref('base_commerce__orders') }}

),

stg_orders as (

    select * from {{ ref('stg_commerce__orders') }}

),

base_returns as (

    select * from {{ ref('base_commerce__returns') }}

),

stg_returns as (

    select * from {{ ref('stg_commerce__returns') }}

),

base_email_sends as (

    select * from {{ ref('base_marketing__email_sends') }}

),

stg_email_sends as (

    select * from {{ ref('stg_marketing__email_sends') }}

),

base_marketing_spend as (

    select * from {{ ref('base_marketing__marketing_spend') }}

),

stg_marketing_spend as (

    select * from {{ ref('stg_marketing__marketing_spend') }}

),

base_events as (

    select * from {{ ref('base_product__events') }}

),

stg_events as (

    select * from {{ ref('stg_product__events') }}

),

base_users as (

    select * from {{ ref('base_product__users') }}

),

stg_users as (

    select * from {{ ref('stg_product__users') }}

),

base_fx_rates as (

    select * from {{ ref('base_reference__fx_rates') }}

),

stg_fx_rates as (

    select * from {{ ref('stg_reference__fx_rates') }}

),

base_survey_responses as (

    select * from {{ ref('base_support__survey_responses') }}

),

stg_survey_responses as (

    select * from {{ ref('stg_support__survey_responses') }}

),

base_tickets as (

    select * from {{ ref('base_support__tickets') }}

),

stg_tickets as (

    select * from {{ ref('stg_support__tickets') }}

),

counted as (

    select
        'customers' as export_name,
        (select sum(copies) from base_customers) as raw_rows,
        (select sum(copies - 1) from base_customers) as duplicate_rows_removed,
        (select count(*) from stg_customers) as staged_rows,
        (
            select count(*) from base_customers
            where quarantine_reason is not null
        ) as quarantined_rows

    union all

    select
        'invoice_line_items' as export_name,
        (select sum(copies) from base_invoice_line_items) as raw_rows,
        (select sum(copies - 1) from base_invoice_line_items) as duplicate_rows_removed,
        (select count(*) from stg_invoice_line_items) as staged_rows,
        (
            select count(*) from base_invoice_line_items
            where quarantine_reason is not null
        ) as quarantined_rows

    union all

    select
        'invoices' as export_name,
        (select sum(copies) from base_invoices) as raw_rows,
        (select sum(copies - 1) from base_invoices) as duplicate_rows_removed,
        (select count(*) from stg_invoices) as staged_rows,
        (
            select count(*) from base_invoices
            where quarantine_reason is not null
        ) as quarantined_rows

    union all

    select
        'payments' as export_name,
        (select sum(copies) from base_payments) as raw_rows,
        (select sum(copies - 1) from base_payments) as duplicate_rows_removed,
        (select count(*) from stg_payments) as staged_rows,
        (
            select count(*) from base_payments
            where quarantine_reason is not null
        ) as quarantined_rows

    union all

    select
        'plans' as export_name,
        (select sum(copies) from base_plans) as raw_rows,
        (select sum(copies - 1) from base_plans) as duplicate_rows_removed,
        (select count(*) from stg_plans) as staged_rows,
        (
            select count(*) from base_plans
            where quarantine_reason is not null
        ) as quarantined_rows

    union all

    select
        'subscriptions' as export_name,
        (select sum(copies) from base_subscriptions) as raw_rows,
        (select sum(copies - 1) from base_subscriptions) as duplicate_rows_removed,
        (select count(*) from stg_subscriptions) as staged_rows,
        (
            select count(*) from base_subscriptions
            where quarantine_reason is not null
        ) as quarantined_rows

    union all

    select
        'checkouts' as export_name,
        (select sum(copies) from base_checkouts) as raw_rows,
        (select sum(copies - 1) from base_checkouts) as duplicate_rows_removed,
        (select count(*) from stg_checkouts) as staged_rows,
        (
            select count(*) from base_checkouts
            where quarantine_reason is not null
        ) as quarantined_rows

    union all

    select
        'order_items' as export_name,
        (select sum(copies) from base_order_items) as raw_rows,
        (select sum(copies - 1) from base_order_items) as duplicate_rows_removed,
        (select count(*) from stg_order_items) as staged_rows,
        (
            select count(*) from base_order_items
            where quarantine_reason is not null
        ) as quarantined_rows

    union all

    select
        'orders' as export_name,
        (select sum(copies) from base_orders) as raw_rows,
        (select sum(copies - 1) from base_orders) as duplicate_rows_removed,
        (select count(*) from stg_orders) as staged_rows,
        (
            select count(*) from base_orders
            where quarantine_reason is not null
        ) as quarantined_rows

    union all

    select
        'returns' as export_name,
        (select sum(copies) from base_returns) as raw_rows,
        (select sum(copies - 1) from base_returns) as duplicate_rows_removed,
        (select count(*) from stg_returns) as staged_rows,
        (
            select count(*) from base_returns
            where quarantine_reason is not null
        ) as quarantined_rows

    union all

    select
        'email_sends' as export_name,
        (select sum(copies) from base_email_sends) as raw_rows,
        (select sum(copies - 1) from base_email_sends) as duplicate_rows_removed,
        (select count(*) from stg_email_sends) as staged_rows,
        (
            select count(*) from base_email_sends
            where quarantine_reason is not null
        ) as quarantined_rows

    union all

    select
        'marketing_spend' as export_name,
        (select sum(copies) from base_marketing_spend) as raw_rows,
        (select sum(copies - 1) from base_marketing_spend) as duplicate_rows_removed,
        (select count(*) from stg_marketing_spend) as staged_rows,
        (
            select count(*) from base_marketing_spend
            where quarantine_reason is not null
        ) as quarantined_rows

    union all

    select
        'events' as export_name,
        (select sum(copies) from base_events) as raw_rows,
        (select sum(copies - 1) from base_events) as duplicate_rows_removed,
        (select count(*) from stg_events) as staged_rows,
        (
            select count(*) from base_events
            where quarantine_reason is not null
        ) as quarantined_rows

    union all

    select
        'users' as export_name,
        (select sum(copies) from base_users) as raw_rows,
        (select sum(copies - 1) from base_users) as duplicate_rows_removed,
        (select count(*) from stg_users) as staged_rows,
        (
            select count(*) from base_users
            where quarantine_reason is not null
        ) as quarantined_rows

    union all

    select
        'fx_rates' as export_name,
        (select sum(copies) from base_fx_rates) as raw_rows,
        (select sum(copies - 1) from base_fx_rates) as duplicate_rows_removed,
        (select count(*) from stg_fx_rates) as staged_rows,
        (
            select count(*) from base_fx_rates
            where quarantine_reason is not null
        ) as quarantined_rows

    union all

    select
        'survey_responses' as export_name,
        (select sum(copies) from base_survey_responses) as raw_rows,
        (select sum(copies - 1) from base_survey_responses) as duplicate_rows_removed,
        (select count(*) from stg_survey_responses) as staged_rows,
        (
            select count(*) from base_survey_responses
            where quarantine_reason is not null
        ) as quarantined_rows

    union all

    select
        'tickets' as export_name,
        (select sum(copies) from base_tickets) as raw_rows,
        (select sum(copies - 1) from base_tickets) as duplicate_rows_removed,
        (select count(*) from stg_tickets) as staged_rows,
        (
            select count(*) from base_tickets
            where quarantine_reason is not null
        ) as quarantined_rows

),

filled as (

    select
        export_name,
        coalesce(raw_rows, 0) as raw_rows,
        coalesce(duplicate_rows_removed, 0) as duplicate_rows_removed,
        staged_rows,
        quarantined_rows

    from counted

)

select * from filled
