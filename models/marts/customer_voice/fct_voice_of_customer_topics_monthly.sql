{# One row per month (from the first survey answer or ticket to the month
   of as_of_date), slice (all, segment, plan_tier, acquisition_channel,
   country_code: int_voice_records_sliced) and topic of the voc_topics
   seed. Of the slice's survey answers that month: how many had a comment,
   how many comments mention the topic and their share of the comments;
   NPS and CSAT of the answers whose comment mentions the topic beside NPS
   and CSAT of all respondents (fct_voice_of_customer_monthly); how many
   mentions are negative by score band and by text sentiment; and tickets
   opened that month whose category names the topic. Counts are 0, never
   NULL; a rate without a base is NULL. previous_/_change compare with
   the same slice and topic one month earlier. #}

with

sliced as (

    select * from {{ ref('int_voice_records_sliced') }}

),

records as (

    select * from {{ ref('int_voice_records') }}

),

record_topics as (

    select * from {{ ref('int_voice_record_topics') }}

),

scored as (

    select * from {{ ref('int_survey_comments_scored') }}

),

taxonomy as (

    select distinct topic from {{ ref('voc_topics') }}

),

months as (

    select * from {{ ref('util_months') }}

),

voice_monthly as (

    select * from {{ ref('fct_voice_of_customer_monthly') }}

),

slices as (

    select distinct
        dimension_name,
        dimension_value

    from sliced

),

grid as (

    select
        months.date_month,
        slices.dimension_name,
        slices.dimension_value,
        taxonomy.topic

    from months

    cross join slices

    cross join taxonomy

    where months.date_month >= (select min(sliced.date_month) from sliced)

),

answers as (

    select
        sliced.date_month,
        sliced.dimension_name,
        sliced.dimension_value,
        count(*) as responses,
        sum(case when records.voice_text is not null then 1 else 0 end)
            as commented_responses

    from sliced

    inner join records
        on sliced.record_id = records.record_id

    where sliced.record_type = 'survey_response'

    group by 1, 2, 3

),

mentions as (

    select
        sliced.date_month,
        sliced.dimension_name,
        sliced.dimension_value,
        record_topics.topic,
        sum(case when sliced.record_type = 'survey_response' then 1 else 0 end)
            as mentions,
        sum(
            case when scored.score_sentiment = 'negative' then 1 else 0 end
        ) as negative_mentions,
        sum(
            case when scored.text_sentiment = 'negative' then 1 else 0 end
        ) as text_negative_mentions,
        sum(case when scored.sentiments_agree then 1 else 0 end)
            as sentiment_agreements,
        sum(case when scored.survey_type = 'nps' then 1 else 0 end)
            as nps_mentions,
        sum(
            case
                when scored.survey_type = 'nps' and scored.score >= 9 then 1
                when scored.survey_type = 'nps' and scored.score <= 6 then -1
                else 0
            end
        ) as nps_promoters_less_detractors,
        sum(case when scored.survey_type = 'csat' then 1 else 0 end)
            as csat_mentions,
        sum(
            case
                when scored.survey_type = 'csat' and scored.score >= 4 then 1
                else 0
            end
        ) as csat_satisfied_mentions,
        sum(case when sliced.record_type = 'ticket' then 1 else 0 end)
            as ticket_mentions

    from sliced

    inner join record_topics
        on sliced.record_id = record_topics.record_id

    left join scored
        on sliced.record_id = scored.record_id

    group by 1, 2, 3, 4

),

joined as (

    select
        grid.date_month,
        grid.dimension_name,
        grid.dimension_value,
        grid.topic,
        coalesce(answers.responses, 0) as responses,
        coalesce(answers.commented_responses, 0) as commented_responses,
        coalesce(mentions.mentions, 0) as mentions,
        coalesce(mentions.negative_mentions, 0) as negative_mentions,
        coalesce(mentions.text_negative_mentions, 0) as text_negative_mentions,
        coalesce(mentions.sentiment_agreements, 0) as sentiment_agreements,
        coalesce(mentions.nps_mentions, 0) as nps_mentions,
        mentions.nps_promoters_less_detractors,
        coalesce(mentions.csat_mentions, 0) as csat_mentions,
        mentions.csat_satisfied_mentions,
        coalesce(mentions.ticket_mentions, 0) as ticket_mentions,
        voice_monthly.nps as nps_all_respondents,
        voice_monthly.csat_rate as csat_rate_all_respondents

    from grid

    left join answers
        on {{ same_slice('grid', 'answers') }}

    left join mentions
        on
            {{ same_slice('grid', 'mentions') }}
            and grid.topic = mentions.topic

    left join voice_monthly
        on {{ same_slice('grid', 'voice_monthly') }}

),

rated as (

    select
        cast(date_month as date) as date_month,
        cast(dimension_name as {{ dbt.type_string() }}) as dimension_name,
        cast(dimension_value as {{ dbt.type_string() }}) as dimension_value,
        cast(topic as {{ dbt.type_string() }}) as topic,
        cast(responses as {{ dbt.type_bigint() }}) as responses,
        cast(commented_responses as {{ dbt.type_bigint() }})
            as commented_responses,
        cast(mentions as {{ dbt.type_bigint() }}) as mentions,
        cast(mentions as {{ type_double() }})
        / nullif(commented_responses, 0) as share_of_commenters,
        cast(negative_mentions as {{ dbt.type_bigint() }})
            as negative_mentions,
        cast(text_negative_mentions as {{ dbt.type_bigint() }})
            as text_negative_mentions,
        cast(sentiment_agreements as {{ type_double() }})
        / nullif(mentions, 0) as sentiment_agreement_rate,
        cast(nps_mentions as {{ dbt.type_bigint() }}) as nps_mentions,
        cast(100 * nps_promoters_less_detractors as {{ type_double() }})
        / nullif(nps_mentions, 0) as nps_mentioning,
        cast(nps_all_respondents as {{ type_double() }}) as nps_all_respondents,
        cast(csat_mentions as {{ dbt.type_bigint() }}) as csat_mentions,
        cast(csat_satisfied_mentions as {{ type_double() }})
        / nullif(csat_mentions, 0) as csat_rate_mentioning,
        cast(csat_rate_all_respondents as {{ type_double() }})
            as csat_rate_all_respondents,
        cast(ticket_mentions as {{ dbt.type_bigint() }}) as ticket_mentions

    from joined

),

final as (

    select
        *,
        {{ retention.previous_and_change(
            ['mentions', 'share_of_commenters'],
            types={'mentions': dbt.type_bigint()},
            partition_by='dimension_name, dimension_value, topic') }}

    from rated

)

select * from final
