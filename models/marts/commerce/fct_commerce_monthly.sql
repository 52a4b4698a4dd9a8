{# One row per month (up to as_of_date) with orders or checkouts and
   slice (all, and the customer's segment, acquisition_channel and
   country_code; unknown for a checkout without a customer):
   repeat_purchase_rate = customers with >= 2 orders in the month /
   customers with >= 1; the median and mean days between a customer's
   consecutive orders (each gap in the month of the later order);
   product_return_rate = units returned / units sold, by order month; and
   checkout_abandonment_rate = checkouts started without an order placed
   within var checkout_window_hours / checkouts started; orders_placed =
   purchases in the month. Orders are purchases unless cancelled or
   pending. #}

{% set dimensions = ['segment', 'acquisition_channel', 'country_code'] %}

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

sliced_purchases as (

    {{ customer_slices('purchases', dimensions=dimensions) }}

),

customers_per_month as (

    select
        date_month,
        dimension_name,
        dimension_value,
        customer_id,
        count(*) as order_count

    from sliced_purchases

    group by 1, 2, 3, 4

),

repeat_purchase as (

    select
        date_month,
        dimension_name,
        dimension_value,
        count(*) as ordering_customers,
        sum(case when order_count >= 2 then 1 else 0 end) as repeat_customers,
        sum(order_count) as orders_placed

    from customers_per_month

    group by 1, 2, 3

),

consecutive_orders as (

    select
        date_month,
        dimension_name,
        dimension_value,
        {{ dbt.datediff('previous_ordered_at', 'ordered_at', 'second') }}
            as gap_seconds

    from sliced_purchases

    where previous_ordered_at is not null

),

gaps as (

    select
        date_month,
        dimension_name,
        dimension_value,
        {{ retention.percentile_cont(
            'cast(gap_seconds as ' ~ type_double() ~ ') / 86400', 0.5) }}
            as median_days_between_purchases,
        {#- a sum of whole seconds is exact in any order; an average of
            fractional days is not (two builds differed in the last bit) #}
        cast(sum(gap_seconds) as {{ type_double() }}) / count(*) / 86400
            as mean_days_between_purchases

    from consecutive_orders

    group by 1, 2, 3

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
        sliced_purchases.date_month,
        sliced_purchases.dimension_name,
        sliced_purchases.dimension_value,
        sum(order_items.quantity) as units_sold,
        sum(coalesce(returned_units.units_returned, 0)) as units_returned

    from sliced_purchases

    inner join order_items
        on sliced_purchases.order_id = order_items.order_id

    left join returned_units
        on order_items.order_item_id = returned_units.order_item_id

    group by 1, 2, 3

),

checkout_outcomes as (

    select
        checkouts.customer_id,
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

sliced_checkouts as (

    {{ customer_slices('checkout_outcomes', dimensions=dimensions) }}

),

checkout_rates as (

    select
        date_month,
        dimension_name,
        dimension_value,
        count(*) as checkouts_started,
        sum(is_abandoned) as checkouts_abandoned

    from sliced_checkouts

    group by 1, 2, 3

),

cells as (

    select
        date_month,
        dimension_name,
        dimension_value

    from repeat_purchase

    union

    select
        date_month,
        dimension_name,
        dimension_value

    from checkout_rates

),

final as (

    select
        cast(cells.date_month as date) as date_month,
        cast(cells.dimension_name as {{ dbt.type_string() }})
            as dimension_name,
        cast(cells.dimension_value as {{ dbt.type_string() }})
            as dimension_value,
        cast(
            coalesce(repeat_purchase.ordering_customers, 0)
            as {{ dbt.type_bigint() }}
        ) as ordering_customers,
        cast(
            coalesce(repeat_purchase.repeat_customers, 0)
            as {{ dbt.type_bigint() }}
        ) as repeat_customers,
        cast(repeat_purchase.repeat_customers as {{ type_double() }})
        / nullif(repeat_purchase.ordering_customers, 0)
            as repeat_purchase_rate,
        cast(gaps.median_days_between_purchases as {{ type_double() }})
            as median_days_between_purchases,
        cast(gaps.mean_days_between_purchases as {{ type_double() }})
            as mean_days_between_purchases,
        cast(coalesce(units.units_sold, 0) as {{ dbt.type_bigint() }})
            as units_sold,
        cast(coalesce(units.units_returned, 0) as {{ dbt.type_bigint() }})
            as units_returned,
        cast(units.units_returned as {{ type_double() }})
        / nullif(units.units_sold, 0)
            as product_return_rate,
        cast(
            coalesce(checkout_rates.checkouts_started, 0)
            as {{ dbt.type_bigint() }}
        ) as checkouts_started,
        cast(
            coalesce(checkout_rates.checkouts_abandoned, 0)
            as {{ dbt.type_bigint() }}
        ) as checkouts_abandoned,
        cast(checkout_rates.checkouts_abandoned as {{ type_double() }})
        / nullif(checkout_rates.checkouts_started, 0)
            as checkout_abandonment_rate,
        cast(
            coalesce(repeat_purchase.orders_placed, 0)
            as {{ dbt.type_bigint() }}
        ) as orders_placed

    from cells

    left join repeat_purchase
        on {{ same_slice('cells', 'repeat_purchase') }}

    left join gaps
        on {{ same_slice('cells', 'gaps') }}

    left join units
        on {{ same_slice('cells', 'units') }}

    left join checkout_rates
        on {{ same_slice('cells', 'checkout_rates') }}

)

select * from final
