{# One row per customer with a negative survey comment (score band or
   text sentiment negative, int_survey_comments_scored) that mentions a
   pain-point topic in the var voc_negative_topic_days days up to as_of_date: those
   topics, the most recently mentioned first (at most 3), and when the
   latest of them was written. #}

with

scored as (

    select * from {{ ref('int_survey_comments_scored') }}

),

topics as (

    select * from {{ ref('int_voice_record_topics') }}

),

as_of as (

    select * from {{ ref('util_as_of_date') }}

),

negative_mentions as (

    select
        scored.customer_id,
        topics.topic,
        max(scored.occurred_at) as last_mentioned_at

    from scored

    inner join topics
        on scored.record_id = topics.record_id

    inner join as_of
        on
            cast(scored.occurred_at as date)
            > {{ dbt.dateadd('day', -var('voc_negative_topic_days'),
                             'as_of.as_of_date') }}

    where
        topics.topic_kind = 'pain_point'
        and (
            scored.score_sentiment = 'negative'
            or scored.text_sentiment = 'negative'
        )

    group by 1, 2

),

ranked as (

    select
        customer_id,
        topic,
        last_mentioned_at,
        row_number() over (
            partition by customer_id
            order by last_mentioned_at desc, topic asc
        ) as topic_rank

    from negative_mentions

),

final as (

    select
        customer_id,
        cast(
            {{ ordered_listagg('topic', "', '", 'topic_rank') }}
            as {{ dbt.type_string() }}
        ) as latest_negative_topics,
        max(last_mentioned_at) as latest_negative_comment_at

    from ranked

    where topic_rank <= 3

    group by 1

)

select * from final
