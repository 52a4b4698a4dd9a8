{# One row per month (up to as_of_date) with orders or checkouts:
   repeat_purchase_rate = customers with >= 2 orders in the month /
   customers with >= 1; the median and mean days between a customer's
   consecutive orders (each gap in the month of the later order);
   product_return_rate = units returned / units sold, by order month; and
   checkout_abandonment_rate = checkouts started without an order placed
   within var checkout_window_hours / checkouts started. Orders are
   purchases unless cancelled or pending. #}

with

orders as (

    select * from {{ ref('stg_commerce__orders') }}

),

order_items as (

    select * from {{ ref('stg_commerce__order_items') }}

),

returns as (

    select * from {{ ref('stg_commerce__returns') }}

),

checkouts as (

    select * from {{ ref('stg_commerce__checkouts') }}

),

as_of as (

    select * from {{ ref('util_as_of_date') }}

),

purchases as (

    select
        orders.order_id,
        orders.customer_id,
        orders.ordered_at,
        cast({{ dbt.date_trunc('month', 'orders.ordered_at') }} as date)
            as date_month,
        lag(orders.ordered_at) over (
            partition by orders.customer_id order by orders.ordered_at
        ) as previous_ordered_at

    from orders

    inner join as_of
        on cast(orders.ordered_at as date) <= as_of.as_of_date

    where orders.order_status not in ('cancelled', 'pending')

),

customers_per_month as (

    select
        date_month,
        customer_id,
        count(*) as order_count

    from purchases

    group by 1, 2

),

repeat_purchase as (

    select
        date_month,
        count(*) as ordering_customers,
        sum(case when order_count >= 2 then 1 else 0 end) as repeat_customers

    from customers_per_month

    group by 1

),

consecutive_orders as (

    select
        date_month,
        {{ dbt.datediff('previous_ordered_at', 'ordered_at', 'second') }}
        / 86400.0 as gap_days

    from purchases

    where previous_ordered_at is not null

),

gaps as (

    select
        date_month,
        {{ retention.percentile_cont('gap_days', 0.5) }}
            as median_days_between_purchases,
        avg(gap_days) as mean_days_between_purchases

    from consecutive_orders

    group by 1

),

returned_units as (

    select
        order_item_id,
        sum(quantity) as units_returned

    from returns

    group by 1

),

units as (

    select
        purchases.date_month,
        sum(order_items.quantity) as units_sold,
        sum(coalesce(returned_units.units_returned, 0)) as units_returned

    from purchases

    inner join order_items
        on purchases.order_id = order_items.order_id

    left join returned_units
        on order_items.order_item_id = returned_units.order_item_id

    group by 1

),

checkout_outcomes as (

    select
        cast({{ dbt.date_trunc('month', 'checkouts.started_at') }} as date)
            as date_month,
        case
            when
                orders.order_id is null
                or orders.ordered_at > {{ dbt.dateadd(
                    'hour', var('checkout_window_hours'),
                    'checkouts.started_at') }}
                then 1
            else 0
        end as is_abandoned

    from checkouts

    inner join as_of
        on cast(checkouts.started_at as date) <= as_of.as_of_date

    left join orders
        on checkouts.order_id = orders.order_id

),

checkout_rates as (

    select
        date_month,
        count(*) as checkouts_started,
        sum(is_abandoned) as checkouts_abandoned

    from checkout_outcomes

    group by 1

),

months as (

    select date_month from repeat_purchase

    union

    select date_month from checkout_rates

),

final as (

    select
        cast(months.date_month as date) as date_month,
        cast(
            coalesce(repeat_purchase.ordering_customers, 0)
            as {{ dbt.type_bigint() }}
        ) as ordering_customers,
        cast(
            coalesce(repeat_purchase.repeat_customers, 0)
            as {{ dbt.type_bigint() }}
        ) as repeat_customers,
        cast(repeat_purchase.repeat_customers as double)
        / nullif(repeat_purchase.ordering_customers, 0)
            as repeat_purchase_rate,
        cast(gaps.median_days_between_purchases as double)
            as median_days_between_purchases,
        cast(gaps.mean_days_between_purchases as double)
            as mean_days_between_purchases,
        cast(coalesce(units.units_sold, 0) as {{ dbt.type_bigint() }})
            as units_sold,
        cast(coalesce(units.units_returned, 0) as {{ dbt.type_bigint() }})
            as units_returned,
        cast(units.units_returned as double) / nullif(units.units_sold, 0)
            as product_return_rate,
        cast(
            coalesce(checkout_rates.checkouts_started, 0)
            as {{ dbt.type_bigint() }}
        ) as checkouts_started,
        cast(
            coalesce(checkout_rates.checkouts_abandoned, 0)
            as {{ dbt.type_bigint() }}
        ) as checkouts_abandoned,
        cast(checkout_rates.checkouts_abandoned as double)
        / nullif(checkout_rates.checkouts_started, 0)
            as checkout_abandonment_rate

    from months

    left join repeat_purchase
        on months.date_month = repeat_purchase.date_month

    left join gaps
        on months.date_month = gaps.date_month

    left join units
        on months.date_month = units.date_month

    left join checkout_rates
        on months.date_month = checkout_rates.date_month

)

select * from final
