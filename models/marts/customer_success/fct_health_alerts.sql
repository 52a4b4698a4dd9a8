{# One row per customer of the latest health snapshot whose score is under
   var health_alert_threshold: score, band, the weakest component, and the
   most common support ticket categories of the 7 days up to the
   snapshot (most frequent first, at most 3; NULL without tickets), and
   the pain-point topics of the customer's latest negative survey comments
   (int_customer_negative_topics). #}

with

health as (

    select * from {{ ref('dim_customer_health') }}

),

tickets as (

    select * from {{ ref('stg_support__tickets') }}

),

negative_topics as (

    select * from {{ ref('int_customer_negative_topics') }}

),

alerted as (

    select * from health

    where health_score < {{ var('health_alert_threshold') }}

),

category_counts as (

    select
        alerted.customer_id,
        coalesce(tickets.category, 'unknown') as category,
        count(*) as tickets

    from alerted

    inner join tickets
        on
            alerted.customer_id = tickets.customer_id
            and tickets.opened_at
            < {{ dbt.dateadd('day', 1, 'alerted.snapshot_date') }}
            and tickets.opened_at
            >= {{ dbt.dateadd('day', -6, 'alerted.snapshot_date') }}

    group by 1, 2

),

ranked_categories as (

    select
        customer_id,
        category,
        tickets,
        row_number() over (
            partition by customer_id order by tickets desc, category asc
        ) as category_rank

    from category_counts

),

top_categories as (

    select
        customer_id,
        {{ dbt.listagg('category', "', '",
                       'order by category_rank') }} as top_ticket_categories,
        sum(tickets) as tickets_last_7_days

    from ranked_categories

    where category_rank <= 3

    group by 1

),

final as (

    select
        alerted.customer_id,
        alerted.snapshot_date,
        alerted.health_score,
        alerted.health_band,
        alerted.health_score_change,
        cast(
            case
                when
                    alerted.usage_score <= alerted.breadth_score
                    and alerted.usage_score <= alerted.support_score
                    and alerted.usage_score <= alerted.billing_score
                    and alerted.usage_score <= alerted.sentiment_score
                    then 'usage'
                when
                    alerted.breadth_score <= alerted.support_score
                    and alerted.breadth_score <= alerted.billing_score
                    and alerted.breadth_score <= alerted.sentiment_score
                    then 'breadth'
                when
                    alerted.support_score <= alerted.billing_score
                    and alerted.support_score <= alerted.sentiment_score
                    then 'support'
                when alerted.billing_score <= alerted.sentiment_score
                    then 'billing'
                else 'sentiment'
            end as {{ dbt.type_string() }}
        ) as weakest_component,
        cast(top_categories.top_ticket_categories as {{ dbt.type_string() }})
            as top_ticket_categories,
        cast(
            coalesce(top_categories.tickets_last_7_days, 0)
            as {{ dbt.type_bigint() }}
        ) as tickets_last_7_days,
        cast(
            negative_topics.latest_negative_topics as {{ dbt.type_string() }}
        ) as latest_negative_topics

    from alerted

    left join top_categories
        on alerted.customer_id = top_categories.customer_id

    left join negative_topics
        on alerted.customer_id = negative_topics.customer_id

)

select * from final
