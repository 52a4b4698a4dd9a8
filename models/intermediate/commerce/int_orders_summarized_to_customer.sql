{# One row per customer with at least one purchase on or before as_of_date:
   the inputs of the BG/NBD and Gamma-Gamma models, in the papers'
   conventions. Purchases (orders not cancelled or pending) on the same UTC
   day are one purchase, their amounts summed (reporting currency, at the
   rate of the order date). frequency = purchase days after the first;
   recency_days = days from the first to the last purchase day; age_days =
   days from the first purchase day to as_of_date; repeat_mean_value = the
   mean value of the repeat purchase days (NULL without one). #}

{% set recency_days = dbt.datediff(
    'summarized.first_purchase_date', 'summarized.last_purchase_date', 'day') %}
{% set age_days = dbt.datediff(
    'summarized.first_purchase_date', 'as_of.as_of_date', 'day') %}

with

orders as (

    select * from {{ ref('stg_commerce__orders') }}

    where order_status not in ('cancelled', 'pending')

),

fx_rates as (

    select * from {{ ref('int_fx_rates_filled_to_day') }}

),

as_of as (

    select * from {{ ref('util_as_of_date') }}

),

converted as (

    select
        orders.customer_id,
        cast(orders.ordered_at as date) as purchase_date,
        {#- money as decimal before it is summed: a sum of doubles depends
            on the order of its rows, and two builds must be equal #}
        {{ to_amount(
            'orders.order_amount * '
            ~ reporting_fx_rate('orders.currency_code', 'fx_rates')
        ) }} as order_amount

    from orders

    inner join as_of
        on cast(orders.ordered_at as date) <= as_of.as_of_date

    left join fx_rates
        on
            orders.currency_code = fx_rates.currency_code
            and cast(orders.ordered_at as date) = fx_rates.rate_day

),

purchase_days as (

    select
        customer_id,
        purchase_date,
        sum(order_amount) as purchase_amount,
        count(order_amount) as converted_orders,
        count(*) as orders,
        row_number() over (
            partition by customer_id order by purchase_date
        ) as purchase_number

    from converted

    group by 1, 2

),

summarized as (

    select
        purchase_days.customer_id,
        min(purchase_days.purchase_date) as first_purchase_date,
        max(purchase_days.purchase_date) as last_purchase_date,
        count(*) - 1 as frequency,
        sum(
            case
                when purchase_days.purchase_number > 1
                    then purchase_days.purchase_amount
            end
        ) as repeat_amount,
        sum(purchase_days.orders - purchase_days.converted_orders)
            as unconverted_orders

    from purchase_days

    group by 1

),

final as (

    select
        summarized.customer_id,
        cast(summarized.first_purchase_date as date) as first_purchase_date,
        cast(summarized.frequency as {{ dbt.type_bigint() }}) as frequency,
        cast(
            {{ recency_days }}
            as {{ dbt.type_bigint() }}
        ) as recency_days,
        cast(
            {{ age_days }}
            as {{ dbt.type_bigint() }}
        ) as age_days,
        cast(
            summarized.repeat_amount / nullif(summarized.frequency, 0)
            as decimal(18, 4)
        ) as repeat_mean_value,
        cast(summarized.unconverted_orders as {{ dbt.type_bigint() }})
            as unconverted_orders

    from summarized

    cross join as_of

)

select * from final
