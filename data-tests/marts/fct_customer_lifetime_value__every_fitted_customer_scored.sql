{# Every customer an identified fit covers has its values: an order
   customer whose BG/NBD fit (its segment's or overall) is identified has
   P(alive) and expected purchases; with an identified Gamma-Gamma fit, an
   expected order value (without a repeat purchase: when the population
   mean exists, q > 1); a paying subscription customer whose sBG fit (its
   contract length and cohort's, or its contract length's) is identified
   has its residual lifetimes. And no value comes from a fit that is not
   identified.
   A scoring table that misses a period or a segment leaves a NULL that
   no range test sees. #}

{{ config(enabled=target.type == 'duckdb'
    or var('clv_fitted_parameters', none) is not none) }}

with

clv as (

    select * from {{ ref('fct_customer_lifetime_value') }}

),

fits as (

    select
        model,
        segment,
        max(case when parameter = 'q' then value end) as q

    from {{ ref('clv_model_parameters') }}

    where is_identified

    group by model, segment

),

orders as (

    select * from {{ ref('int_order_purchases_projected_to_customer') }}

),

order_gaps as (

    select
        orders.customer_id,
        'order values missing' as problem

    from orders

    left join fits as bgnbd
        on
            bgnbd.model = 'bgnbd'
            and orders.order_model_segment = bgnbd.segment

    left join fits as spend
        on
            spend.model = 'gamma_gamma'
            and orders.spend_model_segment = spend.segment

    where
        (bgnbd.segment is not null and (
            orders.probability_alive is null
            or orders.expected_purchases is null
            or orders.discounted_purchases is null
        ))
        or (
            spend.segment is not null
            and orders.expected_order_value is null
            and (orders.frequency > 0 or spend.q > 1)
        )

),

subscription_gaps as (

    select
        clv.customer_id,
        'residual lifetime missing' as problem

    from clv

    inner join fits
        on
            fits.model = 'sbg'
            and clv.subscription_model_segment = fits.segment

    where
        clv.is_paying_now
        and clv.discounted_expected_residual_lifetime_months is null

),

-- a segment named on a customer must be an identified fit
unidentified as (

    select
        clv.customer_id,
        'scored by a fit that is not identified' as problem

    from clv

    left join fits as bgnbd
        on
            bgnbd.model = 'bgnbd'
            and clv.order_model_segment = bgnbd.segment

    left join fits as sbg
        on
            sbg.model = 'sbg'
            and clv.subscription_model_segment = sbg.segment

    where
        (clv.order_model_segment is not null and bgnbd.segment is null)
        or (clv.subscription_model_segment is not null and sbg.segment is null)

)

select * from order_gaps

union all

select * from subscription_gaps

union all

select * from unidentified
