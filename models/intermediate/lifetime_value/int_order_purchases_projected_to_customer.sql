{# One row per order customer of dim_customers: BG/NBD probability alive,
   expected purchases over the horizon (also discounted month by month) and
   the Gamma-Gamma expected order value, from the parameters in
   clv_model_parameters (the definitions are in the yml). SQL on every
   engine; retention_lib.lifetime_value.customer_values is the reference,
   checked equal on DuckDB.

   The conditional expectation (Fader, Hardie and Lee 2005, eq. 10) needs
   the Gauss hypergeometric function 2F1(r + x, b + x; a + b + x - 1; z),
   z = t / (alpha + T + t) < 1. Euler's transformation turns it into
   (1 - z)^(-r - x - 1 + a) 2F1(a + b - 1 - r, a - 1; a + b + x - 1; z),
   whose terms shrink like z^k k^(a - r - x - 2): the power series then
   converges fast for every customer. Its k-th term is the product of the
   ratios of consecutive terms, summed as logarithms in a window (no engine
   needs a product aggregate or a recursive query); each point is summed
   until the terms left out weigh less than about 1e-17 of the total, at
   most 20,000 terms. The points are the distinct (segment, frequency, age,
   horizon month): customers who share them share the series. #}

{#- a table, not a view: several tests and models read it (DECISIONS
    114) #}
{{ config(materialized='table') }}

{%- set settings = clv_settings() %}
{%- set max_terms = 20000 %}

with

customers as (

    select * from {{ ref('dim_customers') }}

),

orders as (

    select * from {{ ref('int_orders_summarized_to_customer') }}

),

bgnbd as (

    {{ clv_fit_parameters('bgnbd', ['r', 'alpha', 'a', 'b']) }}

),

gamma_gamma as (

    {{ clv_fit_parameters('gamma_gamma', ['p', 'q', 'gamma']) }}

),

-- frequency, recency and age in the BG/NBD time unit
order_inputs as (

    select
        orders.customer_id,
        coalesce(customers.segment, 'unknown') as segment,
        cast(orders.frequency as {{ type_double() }}) as frequency,
        cast(orders.recency_days as {{ type_double() }})
        * {{ double_literal(settings.units_per_day) }} as recency,
        cast(orders.age_days as {{ type_double() }})
        * {{ double_literal(settings.units_per_day) }} as age,
        coalesce(cast(orders.repeat_mean_value as {{ type_double() }}), 0)
            as repeat_mean_value

    from orders

    inner join customers
        on orders.customer_id = customers.customer_id

),

-- each model's finest identified fit: the segment's, else the overall
-- one, else none (NULL: the customer is not scored by that model)
with_segments as (

    select
        order_inputs.*,
        case
            when segment_bgnbd.segment is not null then order_inputs.segment
            when overall_bgnbd.segment is not null then 'overall'
        end as order_model_segment,
        case
            when segment_spend.segment is not null then order_inputs.segment
            when overall_spend.segment is not null then 'overall'
        end as spend_model_segment

    from order_inputs

    left join bgnbd as segment_bgnbd
        on
            order_inputs.segment = segment_bgnbd.segment
            and segment_bgnbd.fit_scope = 'segment'

    left join gamma_gamma as segment_spend
        on
            order_inputs.segment = segment_spend.segment
            and segment_spend.fit_scope = 'segment'

    left join bgnbd as overall_bgnbd
        on overall_bgnbd.fit_scope = 'overall'

    left join gamma_gamma as overall_spend
        on overall_spend.fit_scope = 'overall'

),

scored_inputs as (

    select
        with_segments.*,
        bgnbd.r,
        bgnbd.alpha,
        bgnbd.a,
        bgnbd.b,
        gamma_gamma.p,
        gamma_gamma.q,
        gamma_gamma.gamma

    from with_segments

    left join bgnbd
        on with_segments.order_model_segment = bgnbd.segment

    left join gamma_gamma
        on with_segments.spend_model_segment = gamma_gamma.segment

),

horizons as (

    select cast(generated_number as {{ dbt.type_int() }}) as horizon_month

    from ({{ dbt.generate_series(settings.horizon_months) }}) as months

),

points as (

    select distinct
        scored_inputs.order_model_segment,
        scored_inputs.r,
        scored_inputs.alpha,
        scored_inputs.a,
        scored_inputs.b,
        scored_inputs.frequency,
        scored_inputs.age,
        horizons.horizon_month,
        horizons.horizon_month
        * {{ double_literal(settings.units_per_month) }} as horizon

    from scored_inputs

    cross join horizons

    where scored_inputs.r is not null

),

-- z, the transformed series' parameters and how many terms it needs:
-- z^n n^(max(a - 2, 0)) / (1 - z) below 1e-17, plus 20 terms
series_points as (

    select
        *,
        horizon / (alpha + age + horizon) as z,
        (alpha + age) / (alpha + age + horizon) as one_minus_z,
        a + b - 1 - r as upper_first,
        a - 1 as upper_second,
        a + b + frequency - 1 as lower

    from points

),

bounded_points as (

    select
        -- one integer per point for the windows below to partition by
        -- (cheaper than the four columns; numbered in their order, so
        -- every build lays the terms out alike and sums the same bits)
        dense_rank() over (
            order by order_model_segment, frequency, age, horizon_month
        ) as point_id,
        *,
        least(
            {{ max_terms }},
            -- -39.2 < ln(1e-17)
            cast(ceil((
                -39.2 + ln(one_minus_z)
                - greatest(a - 2, 0) * ln(1 - greatest(a - 1, 1) / ln(z))
            )
            / ln(z)) as {{ dbt.type_int() }}) + 20
        ) as term_count

    from series_points

),

term_indexes as (

    select cast(generated_number - 1 as {{ dbt.type_int() }}) as term_index

    from ({{ dbt.generate_series(max_terms) }}) as numbers

    where generated_number <= (
        select max(bounded_points.term_count) from bounded_points
    )

),

-- the ratio of term k + 1 to term k
term_ratios as (

    select
        bounded_points.order_model_segment,
        bounded_points.frequency,
        bounded_points.age,
        bounded_points.horizon_month,
        bounded_points.term_count,
        bounded_points.point_id,
        term_indexes.term_index,
        (bounded_points.upper_first + term_indexes.term_index)
        * (bounded_points.upper_second + term_indexes.term_index)
        / (
            (bounded_points.lower + term_indexes.term_index)
            * (term_indexes.term_index + 1)
        )
        * bounded_points.z as ratio

    from bounded_points

    inner join term_indexes
        on bounded_points.term_count > term_indexes.term_index

),

-- term k = product of the ratios before k: its log magnitude, its sign
-- (odd count of negative ratios) and whether a ratio was 0 (the series
-- stops there)
terms as (

    select
        order_model_segment,
        frequency,
        age,
        horizon_month,
        term_count,
        point_id,
        term_index,
        coalesce(sum(ln(case when ratio = 0 then 1 else abs(ratio) end))
            over preceding_terms, 0) as log_magnitude,
        coalesce(sum(case when ratio < 0 then 1 else 0 end)
            over preceding_terms, 0) as negative_ratios,
        coalesce(sum(case when ratio = 0 then 1 else 0 end)
            over preceding_terms, 0) as zero_ratios

    from term_ratios

    window preceding_terms as (
        partition by point_id
        order by term_index
        rows between unbounded preceding and 1 preceding
    )

),

-- the terms summed in their order, so that every build gives the same
-- bits (an aggregate adds in whatever order its threads meet the rows)
partial_sums as (

    select
        order_model_segment,
        frequency,
        age,
        horizon_month,
        term_count,
        term_index,
        sum(
            case
                when zero_ratios > 0 then 0
                when negative_ratios % 2 = 1
                    then -{{ exp_or_zero('log_magnitude') }}
                else {{ exp_or_zero('log_magnitude') }}
            end
        ) over (
            partition by point_id
            order by term_index
            rows between unbounded preceding and current row
        ) as partial_sum

    from terms

),

series as (

    select
        order_model_segment,
        frequency,
        age,
        horizon_month,
        partial_sum as hypergeometric_sum

    from partial_sums

    where term_index = term_count - 1

),

-- E[purchases in the horizon] for a customer alive with this frequency
-- and age: (a + b + x - 1) / (a - 1) (1 - (1 - z)^(a - 1) x the sum)
conditional_purchases as (

    select
        series_points.order_model_segment,
        series_points.frequency,
        series_points.age,
        series_points.horizon_month,
        (series_points.a + series_points.b + series_points.frequency - 1)
        / (series_points.a - 1)
        * (
            1 - power(series_points.one_minus_z, series_points.a - 1)
            * series.hypergeometric_sum
        ) as purchases_if_alive

    from series_points

    inner join series
        on
            series_points.order_model_segment = series.order_model_segment
            and series_points.frequency = series.frequency
            and series_points.age = series.age
            and series_points.horizon_month = series.horizon_month

),

-- P(alive | x, t_x, T), eq. 13: 1 without a repeat purchase
alive as (

    select
        *,
        case
            when r is null then null
            when frequency = 0 then 1
            when log_odds_dead > 700 then 0
            else 1 / (1 + exp(log_odds_dead))
        end as probability_alive

    from (

        select
            *,
            case
                when frequency > 0
                    then
                        ln(a) - ln(b + frequency - 1)
                        + (r + frequency)
                        * (ln(alpha + age) - ln(alpha + recency))
            end as log_odds_dead

        from scored_inputs

    ) as with_log_odds

),

-- cumulative expected purchases at the end of each horizon month, and
-- that month's own purchases discounted to its middle
monthly_purchases as (

    select
        alive.customer_id,
        conditional_purchases.horizon_month,
        conditional_purchases.purchases_if_alive
        * alive.probability_alive as cumulative_purchases

    from alive

    inner join conditional_purchases
        on
            alive.order_model_segment
            = conditional_purchases.order_model_segment
            and alive.frequency = conditional_purchases.frequency
            and alive.age = conditional_purchases.age

),

discounted_months as (

    select
        customer_id,
        horizon_month,
        cumulative_purchases,
        (cumulative_purchases - coalesce(lag(cumulative_purchases) over (
            partition by customer_id order by horizon_month
        ), 0))
        * power(
            1 + {{ double_literal(settings.monthly_discount) }},
            -(cast(horizon_month as {{ type_double() }}) - 0.5))
            as discounted_month_purchases

    from monthly_purchases

),

-- the months summed in their order (same bits on every build)
projected as (

    select
        customer_id,
        cumulative_purchases as expected_purchases,
        discounted_purchases

    from (

        select
            customer_id,
            horizon_month,
            cumulative_purchases,
            sum(discounted_month_purchases) over (
                partition by customer_id
                order by horizon_month
                rows between unbounded preceding and current row
            ) as discounted_purchases

        from discounted_months

    ) as accumulated

    where horizon_month = {{ settings.horizon_months }}

),

final as (

    select
        alive.customer_id,
        alive.segment,
        alive.order_model_segment,
        alive.spend_model_segment,
        alive.frequency,
        alive.recency,
        alive.age,
        alive.probability_alive,
        projected.expected_purchases,
        projected.discounted_purchases,
        -- E[M | x, mean value] (Gamma-Gamma); the population mean
        -- p gamma / (q - 1) without a repeat purchase (none when q <= 1)
        case
            when alive.frequency > 0
                then alive.p * (
                    alive.gamma
                    + alive.frequency * alive.repeat_mean_value
                )
                / (alive.p * alive.frequency + alive.q - 1)
            when alive.q > 1 then alive.p * alive.gamma / (alive.q - 1)
        end as expected_order_value

    from alive

    left join projected
        on alive.customer_id = projected.customer_id

)

select * from final
