{# One row per month (of responded_at, up to as_of_date) and slice (all,
   segment, plan_tier, acquisition_channel, country_code): NPS, CSAT and CES with their respondent counts.
   nps = 100 x (promoters (9-10) - detractors (0-6)) / NPS responses;
   csat_rate = CSAT responses scoring 4 or 5 / CSAT responses; ces_score =
   mean effort score (1 .. var ces_scale_max, lower is easier). A metric
   with no responses is NULL. Slices as in int_voice_records_sliced (the
   plan tier is the customer's in that month: int_customer_slices_by_month).
   Comments: how many answers had one, how many read positive or negative
   by text sentiment (int_survey_comments_scored), and the share whose
   text sentiment agrees with the score band. #}

with

sliced as (

    select * from {{ ref('int_voice_records_sliced') }}

),

records as (

    select * from {{ ref('int_voice_records') }}

),

scored as (

    select * from {{ ref('int_survey_comments_scored') }}

),

answers as (

    select
        sliced.date_month,
        sliced.dimension_name,
        sliced.dimension_value,
        records.survey_type,
        records.score,
        records.voice_text,
        scored.text_sentiment,
        scored.sentiments_agree

    from sliced

    inner join records
        on sliced.record_id = records.record_id

    left join scored
        on sliced.record_id = scored.record_id

    where sliced.record_type = 'survey_response'

),

counted as (

    select
        date_month,
        dimension_name,
        dimension_value,
        sum(case when survey_type = 'nps' then 1 else 0 end) as nps_responses,
        sum(
            case when survey_type = 'nps' and score >= 9 then 1 else 0 end
        ) as promoters,
        sum(
            case
                when survey_type = 'nps' and score between 7 and 8 then 1
                else 0
            end
        ) as passives,
        sum(
            case when survey_type = 'nps' and score <= 6 then 1 else 0 end
        ) as detractors,
        sum(case when survey_type = 'csat' then 1 else 0 end)
            as csat_responses,
        sum(
            case when survey_type = 'csat' and score >= 4 then 1 else 0 end
        ) as csat_satisfied_responses,
        sum(case when survey_type = 'ces' then 1 else 0 end) as ces_responses,
        avg(
            case
                when survey_type = 'ces' then cast(score as {{ type_double() }})
            end
        ) as ces_score,
        sum(case when voice_text is not null then 1 else 0 end)
            as commented_responses,
        sum(case when text_sentiment = 'positive' then 1 else 0 end)
            as text_positive_comments,
        sum(case when text_sentiment = 'negative' then 1 else 0 end)
            as text_negative_comments,
        sum(case when sentiments_agree then 1 else 0 end)
            as sentiment_agreements

    from answers

    group by 1, 2, 3

),

final as (

    select
        cast(date_month as date) as date_month,
        cast(dimension_name as {{ dbt.type_string() }}) as dimension_name,
        cast(dimension_value as {{ dbt.type_string() }}) as dimension_value,
        cast(nps_responses as {{ dbt.type_bigint() }}) as nps_responses,
        cast(promoters as {{ dbt.type_bigint() }}) as promoters,
        cast(passives as {{ dbt.type_bigint() }}) as passives,
        cast(detractors as {{ dbt.type_bigint() }}) as detractors,
        cast(100 * (promoters - detractors) as {{ type_double() }})
        / nullif(nps_responses, 0) as nps,
        cast(csat_responses as {{ dbt.type_bigint() }}) as csat_responses,
        cast(csat_satisfied_responses as {{ type_double() }})
        / nullif(csat_responses, 0) as csat_rate,
        cast(ces_responses as {{ dbt.type_bigint() }}) as ces_responses,
        ces_score,
        cast(commented_responses as {{ dbt.type_bigint() }})
            as commented_responses,
        cast(text_positive_comments as {{ dbt.type_bigint() }})
            as text_positive_comments,
        cast(text_negative_comments as {{ dbt.type_bigint() }})
            as text_negative_comments,
        cast(sentiment_agreements as {{ type_double() }})
        / nullif(commented_responses, 0) as sentiment_agreement_rate

    from counted

)

select * from final
