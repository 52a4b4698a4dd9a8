{# One row per survey answer and per support ticket up to as_of_date: what
   a customer said (the comment, or the ticket's category with '_' read as
   a space) and, for answers, the score band as a sentiment: positive for
   promoters (NPS 9-10), satisfied (CSAT 4-5) and easy effort (CES under
   the scale's midpoint); negative for detractors (0-6), unsatisfied
   (CSAT 1-2) and hard effort (over the midpoint); neutral in between.
   voice_text is NULL when there is nothing to read (no comment, or only
   white space). #}

with

responses as (

    select * from {{ ref('stg_support__survey_responses') }}

),

tickets as (

    select * from {{ ref('stg_support__tickets') }}

),

as_of as (

    select * from {{ ref('util_as_of_date') }}

),

records as (

    select
        response_id as record_id,
        'survey_response' as record_type,
        customer_id,
        responded_at as occurred_at,
        survey_type,
        score,
        comment as voice_text

    from responses

    union all

    select
        ticket_id as record_id,
        'ticket' as record_type,
        customer_id,
        opened_at as occurred_at,
        cast(null as {{ dbt.type_string() }}) as survey_type,
        cast(null as {{ dbt.type_int() }}) as score,
        replace(category, '_', ' ') as voice_text

    from tickets

),

final as (

    select
        records.record_id,
        cast(records.record_type as {{ dbt.type_string() }}) as record_type,
        records.customer_id,
        records.occurred_at,
        cast({{ dbt.date_trunc('month', 'records.occurred_at') }} as date)
            as date_month,
        records.survey_type,
        records.score,
        cast(
            case
                when records.survey_type = 'nps' and records.score >= 9
                    then 'positive'
                when records.survey_type = 'nps' and records.score <= 6
                    then 'negative'
                when records.survey_type = 'csat' and records.score >= 4
                    then 'positive'
                when records.survey_type = 'csat' and records.score <= 2
                    then 'negative'
                when
                    records.survey_type = 'ces'
                    and 2 * records.score < {{ var('ces_scale_max') }} + 1
                    then 'positive'
                when
                    records.survey_type = 'ces'
                    and 2 * records.score > {{ var('ces_scale_max') }} + 1
                    then 'negative'
                when records.survey_type is not null then 'neutral'
            end as {{ dbt.type_string() }}
        ) as score_sentiment,
        nullif({{ retention.trim_whitespace('records.voice_text') }}, '')
            as voice_text

    from records

    inner join as_of
        on cast(records.occurred_at as date) <= as_of.as_of_date

)

select * from final
