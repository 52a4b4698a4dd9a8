{# One row per topic of the voc_topics seed (and 'unclassified' for
   comments that mention none) and survey comment among its var
   voc_verbatims_per_topic most recent of the var voc_verbatim_days days
   up to as_of_date: what customers wrote, to read beside the topic
   counts. The comment is published with e-mail addresses, phone numbers
   (staging) and the names after a greeting, sign-off or reference cue
   masked. #}

with

scored as (

    select * from {{ ref('int_survey_comments_scored') }}

),

records as (

    select * from {{ ref('int_voice_records') }}

),

record_topics as (

    select * from {{ ref('int_voice_record_topics') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

as_of as (

    select * from {{ ref('util_as_of_date') }}

),

recent as (

    select
        scored.record_id,
        scored.customer_id,
        scored.occurred_at,
        scored.survey_type,
        scored.score,
        scored.score_sentiment,
        scored.text_sentiment,
        scored.text_sentiment_score,
        records.voice_text

    from scored

    inner join records
        on scored.record_id = records.record_id

    inner join as_of
        on
            cast(scored.occurred_at as date)
            > {{ dbt.dateadd('day', -var('voc_verbatim_days'),
                             'as_of.as_of_date') }}

),

topic_of_comment as (

    select
        recent.record_id,
        coalesce(record_topics.topic, 'unclassified') as topic

    from recent

    left join record_topics
        on recent.record_id = record_topics.record_id

),

ranked as (

    select
        topic_of_comment.topic,
        recent.*,
        row_number() over (
            partition by topic_of_comment.topic
            order by recent.occurred_at desc, recent.record_id asc
        ) as recency_rank

    from topic_of_comment

    inner join recent
        on topic_of_comment.record_id = recent.record_id

),

final as (

    select
        cast(ranked.topic as {{ dbt.type_string() }}) as topic,
        cast(ranked.recency_rank as {{ dbt.type_bigint() }}) as recency_rank,
        ranked.record_id as response_id,
        ranked.customer_id,
        cast(coalesce(customers.segment, 'unknown') as {{ dbt.type_string() }})
            as segment,
        cast(ranked.occurred_at as date) as responded_date,
        ranked.survey_type,
        cast(ranked.score as {{ dbt.type_int() }}) as score,
        ranked.score_sentiment,
        ranked.text_sentiment,
        ranked.text_sentiment_score,
        cast(
            {{ retention.mask_person_names('ranked.voice_text') }}
            as {{ dbt.type_string() }}
        ) as comment  -- noqa: RF04

    from ranked

    left join customers
        on ranked.customer_id = customers.customer_id

    where ranked.recency_rank <= {{ var('voc_verbatims_per_topic') }}

)

select * from final
