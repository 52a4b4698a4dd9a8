{# One row per customer with at least one purchase on or before as_of_date:
   the inputs of the BG/NBD and Gamma-Gamma models, in the papers'
   conventions. Purchases (orders not cancelled or pending) on the same UTC
   day are one purchase, their amounts summed (reporting currency, at the
   rate of the order date). frequency = purchase days after the first;
   recency_days = days from the first to the last purchase day; age_days =
   days from the first purchase day to as_of_date; repeat_mean_value = the
   mean value of the repeat purchase days (NULL without one). The
   calibration_ columns are the same as of the day before the holdout
   window of util_clv_holdout_window (NULL for a customer whose first
   purchase is later) and the holdout_ columns count and average the
   purchase days inside the window: the inputs of fct_clv_backtest. #}

{% set recency_days = dbt.datediff(
    'summarized.first_purchase_date', 'summarized.last_purchase_date', 'day') %}
{% set age_days = dbt.datediff(
    'summarized.first_purchase_date', 'as_of.as_of_date', 'day') %}
{% set calibration_recency_days = dbt.datediff(
    'summarized.first_purchase_date',
    'summarized.calibration_last_purchase_date', 'day') %}
{% set calibration_age_days = dbt.datediff(
    'summarized.first_purchase_date', 'holdout_window.calibration_end_date',
    'day') %}

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

holdout_window as (

    select * from {{ ref('util_clv_holdout_window') }}

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
            as unconverted_orders,
        max(
            case
                when
                    purchase_days.purchase_date
                    <= holdout_window.calibration_end_date
                    then purchase_days.purchase_date
            end
        ) as calibration_last_purchase_date,
        count(
            case
                when
                    purchase_days.purchase_date
                    <= holdout_window.calibration_end_date
                    then 1
            end
        ) - 1 as calibration_frequency,
        sum(
            case
                when
                    purchase_days.purchase_number > 1
                    and purchase_days.purchase_date
                    <= holdout_window.calibration_end_date
                    then purchase_days.purchase_amount
            end
        ) as calibration_repeat_amount,
        count(
            case
                when
                    purchase_days.purchase_date
                    between holdout_window.holdout_start_date
                    and holdout_window.holdout_end_date
                    then 1
            end
        ) as holdout_purchases,
        sum(
            case
                when
                    purchase_days.purchase_date
                    between holdout_window.holdout_start_date
                    and holdout_window.holdout_end_date
                    then purchase_days.purchase_amount
            end
        ) as holdout_amount

    from purchase_days

    cross join holdout_window

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
            as unconverted_orders,
        -- the same as of calibration_end_date; NULL for a later customer
        cast(
            case
                when summarized.calibration_frequency >= 0
                    then summarized.calibration_frequency
            end
            as {{ dbt.type_bigint() }}
        ) as calibration_frequency,
        cast(
            {{ calibration_recency_days }}
            as {{ dbt.type_bigint() }}
        ) as calibration_recency_days,
        cast(
            case
                when summarized.calibration_frequency >= 0
                    then {{ calibration_age_days }}
            end
            as {{ dbt.type_bigint() }}
        ) as calibration_age_days,
        cast(
            summarized.calibration_repeat_amount
            / nullif(summarized.calibration_frequency, 0)
            as decimal(18, 4)
        ) as calibration_repeat_mean_value,
        cast(summarized.holdout_purchases as {{ dbt.type_bigint() }})
            as holdout_purchases,
        cast(
            summarized.holdout_amount
            / nullif(summarized.holdout_purchases, 0)
            as decimal(18, 4)
        ) as holdout_mean_value

    from summarized

    cross join as_of

    cross join holdout_window

)

select * from final
