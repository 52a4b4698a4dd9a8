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

sbg as (

    {{ clv_fit_parameters('sbg', ['alpha', 'beta']) }}

),

-- the finest identified sBG fit of the customer's contract length: its
-- cohort's, else the one over every customer of that length, else none
subscriptions as (

    select
        lifetimes.customer_id,
        lifetimes.cohort_month,
        lifetimes.is_paying_now,
        lifetimes.current_mrr,
        lifetimes.current_renewals,
        lifetimes.contract_months,
        lifetimes.current_contract_renewals,
        coalesce(cohort_fit.segment, contract_fit.segment)
            as subscription_model_segment

    from lifetimes

    left join sbg as cohort_fit
        on
            cohort_fit.fit_scope = 'contract_cohort'
            and lifetimes.contract_months = cohort_fit.contract_months
            and lifetimes.cohort_month = cohort_fit.cohort_month

    left join sbg as contract_fit
        on
            contract_fit.fit_scope = 'contract'
            and lifetimes.contract_months = contract_fit.contract_months

),

-- paying: the residual lifetimes of the contract period it is in
-- (current_contract_renewals + 1); churned: 0; no identified fit: NULL
subscription_values as (

    select
        subscriptions.*,
        case
            when subscriptions.subscription_model_segment is null then null
            when not subscriptions.is_paying_now then 0
            else residual.expected_remaining_lifetime_months
        end as expected_remaining_lifetime_months,
        case
            when subscriptions.subscription_model_segment is null then null
            when not subscriptions.is_paying_now then 0
            else residual.discounted_expected_residual_lifetime_months
        end as discounted_expected_residual_lifetime_months

    from subscriptions

    left join residual_lifetimes as residual
        on
            subscriptions.subscription_model_segment = residual.segment
            and subscriptions.current_contract_renewals + 1 = residual.period

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
            as is_subscription_customer,
        subscription_values.contract_months,
        subscription_values.current_contract_renewals as contract_renewals,
        order_values.spend_model_segment,
        order_values.expected_order_value is null as has_no_order_value

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
    ) as clv,
    contract_months,
    contract_renewals,
    -- why a customer of a kind has no value of that kind (NULL: scored)
    case
        when not is_order_customer or order_clv is not null then null
        when order_model_segment is null
            then 'no identified BG/NBD fit (segment or overall)'
        when spend_model_segment is null
            then 'no identified Gamma-Gamma fit (segment or overall)'
        when has_no_order_value
            then
                'no repeat purchase, no population mean (Gamma-Gamma q <= 1)'
    end as order_clv_unscored_reason,
    case
        when not is_subscription_customer or subscription_clv is not null
            then null
        when contract_months is null
            then 'contract length unknown (no paid subscription line)'
        when subscription_model_segment is null
            then {{ dbt.concat([
                "'no identified sBG fit for '",
                "cast(contract_months as " ~ dbt.type_string() ~ ")",
                "'-month contracts (cohort or all)'"]) }}
    end as subscription_clv_unscored_reason

from final
