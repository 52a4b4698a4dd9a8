{# One row per customer of dim_customers with its order and subscription
   lifetime values (see the yml). SQL on every engine, scoring from the
   fits in clv_model_parameters: the order side in
   int_order_purchases_projected_to_customer, the sBG residual lifetimes
   per fit and period in
   int_residual_lifetimes_discounted_to_segment_period.
   retention_lib.lifetime_value.customer_values is the reference (a test
   checks the two equal on DuckDB). #}

{%- set settings = clv_settings() %}

with

customers as (

    select * from {{ ref('dim_customers') }}

),

order_values as (

    select * from {{ ref('int_order_purchases_projected_to_customer') }}

),

lifetimes as (

    select * from {{ ref('int_subscription_lifetimes_summarized_to_customer') }}

),

residual_lifetimes as (

    select *
    from {{ ref('int_residual_lifetimes_discounted_to_segment_period') }}

),

sbg_segments as (

    select distinct segment

    from {{ ref('clv_model_parameters') }}

    where model = 'sbg'

),

-- a cohort's own sBG fit, else the overall one
subscriptions as (

    select
        lifetimes.customer_id,
        lifetimes.cohort_month,
        lifetimes.is_paying_now,
        lifetimes.current_mrr,
        lifetimes.current_renewals,
        coalesce(cohort_fit.segment, 'overall') as subscription_model_segment

    from lifetimes

    left join sbg_segments as cohort_fit
        on
            cast(lifetimes.cohort_month as {{ dbt.type_string() }})
            = cohort_fit.segment

),

-- paying: the residual lifetimes of the period it is in (renewals + 1);
-- churned: 0; no fit for its cohort nor overall: NULL
subscription_values as (

    select
        subscriptions.*,
        case
            when fit.segment is null then null
            when not subscriptions.is_paying_now then 0
            else residual.expected_remaining_lifetime_months
        end as expected_remaining_lifetime_months,
        case
            when fit.segment is null then null
            when not subscriptions.is_paying_now then 0
            else residual.discounted_expected_residual_lifetime_months
        end as discounted_expected_residual_lifetime_months

    from subscriptions

    left join sbg_segments as fit
        on subscriptions.subscription_model_segment = fit.segment

    left join residual_lifetimes as residual
        on
            subscriptions.subscription_model_segment = residual.segment
            and subscriptions.current_renewals + 1 = residual.period

),

-- money to 4 decimals: clv is the sum of the rounded parts, so clv =
-- order_clv + subscription_clv holds exactly
final as (

    select
        customers.customer_id,
        coalesce(customers.segment, 'unknown') as segment,
        order_values.order_model_segment,
        order_values.probability_alive,
        order_values.expected_purchases,
        {{ to_amount('order_values.expected_order_value') }}
            as expected_order_value,
        {{ to_amount(
            'order_values.discounted_purchases'
            ~ ' * order_values.expected_order_value * '
            ~ double_literal(settings.gross_margin)) }} as order_clv,
        subscription_values.cohort_month as subscription_cohort_month,
        cast(subscription_values.current_renewals as {{ dbt.type_bigint() }})
            as renewals,
        subscription_values.is_paying_now,
        {{ to_amount('subscription_values.current_mrr') }} as current_mrr,
        subscription_values.subscription_model_segment,
        subscription_values.expected_remaining_lifetime_months,
        subscription_values.discounted_expected_residual_lifetime_months,
        {{ to_amount(
            'subscription_values.discounted_expected_residual_lifetime_months'
            ~ ' * ' ~ double_literal(settings.gross_margin)
            ~ ' * cast(subscription_values.current_mrr as '
            ~ type_double() ~ ')') }} as subscription_clv,
        order_values.customer_id is not null as is_order_customer,
        subscription_values.customer_id is not null
            as is_subscription_customer

    from customers

    left join order_values
        on customers.customer_id = order_values.customer_id

    left join subscription_values
        on customers.customer_id = subscription_values.customer_id

)

select
    customer_id,
    segment,
    order_model_segment,
    probability_alive,
    expected_purchases,
    expected_order_value,
    order_clv,
    subscription_cohort_month,
    renewals,
    is_paying_now,
    current_mrr,
    subscription_model_segment,
    expected_remaining_lifetime_months,
    discounted_expected_residual_lifetime_months,
    subscription_clv,
    is_order_customer,
    is_subscription_customer,
    cast(
        coalesce(order_clv, 0) + coalesce(subscription_clv, 0)
        as decimal(18, 4)
    ) as clv

from final
