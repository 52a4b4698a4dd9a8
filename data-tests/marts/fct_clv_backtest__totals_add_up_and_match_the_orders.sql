{# The back-test's identities and one recomputation from staging:
   - each model's total row is the sum of its bucket (bgnbd, gamma_gamma)
     or cohort_renewal (sbg) rows: customers, unscored customers,
     predicted and actual;
   - the actual purchases of the bgnbd total, when every customer known at
     calibration_end_date is predicted, equal the purchase days inside the
     window of those customers, counted again from the staged orders
     (same-day orders one purchase, cancelled and pending ones none). #}

{{ config(enabled=target.type == 'duckdb'
    or var('clv_backtest_rows', none) is not none) }}

with

backtest as (

    select * from {{ ref('fct_clv_backtest') }}

),

orders as (

    select * from {{ ref('stg_commerce__orders') }}

    where order_status not in ('cancelled', 'pending')

),

holdout_window as (

    select * from {{ ref('util_clv_holdout_window') }}

),

parts as (

    select
        model,
        sum(customers) as customers,
        sum(unscored_customers) as unscored_customers,
        sum(coalesce(predicted, 0)) as predicted,
        sum(coalesce(actual, 0)) as actual

    from backtest

    where comparison != 'total'

    group by model

),

totals as (

    select
        model,
        customers,
        unscored_customers,
        coalesce(predicted, 0) as predicted,
        coalesce(actual, 0) as actual

    from backtest

    where comparison = 'total'

),

not_adding_up as (

    select
        totals.model,
        'total row is not the sum of its parts' as problem

    from totals

    left join parts
        on totals.model = parts.model

    where
        coalesce(parts.customers, 0) != totals.customers
        or coalesce(parts.unscored_customers, 0) != totals.unscored_customers
        or abs(coalesce(parts.predicted, 0) - totals.predicted)
        > 1e-6 * (1 + totals.predicted)
        or abs(coalesce(parts.actual, 0) - totals.actual)
        > 1e-6 * (1 + totals.actual)

),

purchase_days as (

    select distinct
        orders.customer_id,
        cast(orders.ordered_at as date) as purchase_date

    from orders

),

first_purchases as (

    select
        customer_id,
        min(purchase_date) as first_purchase_date

    from purchase_days

    group by customer_id

),

known as (

    select first_purchases.customer_id

    from first_purchases

    inner join holdout_window
        on
            first_purchases.first_purchase_date
            <= holdout_window.calibration_end_date

),

recounted as (

    select count(*) as purchases

    from purchase_days

    inner join known
        on purchase_days.customer_id = known.customer_id

    cross join holdout_window

    where
        purchase_days.purchase_date
        between holdout_window.holdout_start_date
        and holdout_window.holdout_end_date

),

miscounted as (

    select
        totals.model,
        'bgnbd actual purchases differ from the staged orders' as problem

    from totals

    cross join recounted

    where
        totals.model = 'bgnbd'
        and totals.unscored_customers = 0
        and totals.actual != recounted.purchases

)

select * from not_adding_up

union all

select * from miscounted
