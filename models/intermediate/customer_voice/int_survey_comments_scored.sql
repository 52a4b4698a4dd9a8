{# One row per survey answer with a comment: the score band's sentiment
   (primary label, int_voice_records) and a lexicon-based text sentiment
   (second signal), and whether the two agree.

   Text sentiment, after VADER (Hutto & Gilbert 2014), reduced to what SQL
   on every engine can do: each word takes its valence (-4 .. +4) from the
   sentiment_rules seed's overrides, else from the sentiment_lexicon seed
   (the lexicon the vaderSentiment package ships); a word is multiplied by
   -0.74 for every negator among the three words before it; when the
   comment has a 'but', the words before the first one count half and the
   words after it one and a half times. The sum s becomes
   s / sqrt(s^2 + 15) in [-1, 1] (VADER's normalisation), positive at
   0.05 or more, negative at -0.05 or less, else neutral. Not taken from
   VADER: capitals, exclamation marks, degree words, emoticons. #}

{#- A table, not a view: the voice marts, the health alerts and the renewals
    at risk (through int_customer_negative_topics) and their data tests all
    read it; as a view each of them matched every comment again (at 50k
    customers, most of the time of the four largest marts). #}
{{ config(materialized='table') }}

with

comments as (

    select * from {{ ref('int_voice_records') }}

    where record_type = 'survey_response' and voice_text is not null

),

lexicon as (

    select * from {{ ref('sentiment_lexicon') }}

),

rules as (

    select * from {{ ref('sentiment_rules') }}

),

words as (

    {{ retention.words_of('comments', 'record_id', 'voice_text') }}

),

negators as (

    select token from rules

    where rule = 'negator'

),

valences as (

    select
        lexicon.token,
        cast(lexicon.valence as {{ type_double() }}) as valence

    from lexicon

    where
        lexicon.token not in (
            select rules.token
            from rules
            where rules.rule = 'override'
        )

    union all

    select
        token,
        cast(valence as {{ type_double() }}) as valence

    from rules

    where rule = 'override'

),

first_but as (

    select
        record_id,
        min(word_position) as but_position

    from words

    where word = 'but'

    group by 1

),

negations as (

    select
        words.record_id,
        words.word_position,
        count(*) as negators_before

    from words

    inner join words as previous_words
        on
            words.record_id = previous_words.record_id
            and previous_words.word_position between words.word_position - 3
            and words.word_position - 1

    inner join negators
        on previous_words.word = negators.token

    group by 1, 2

),

weighted as (

    select
        words.record_id,
        valences.valence
        * case
            when mod(coalesce(negations.negators_before, 0), 2) = 1
                then -1.0
            else 1.0
        end
        * power(
            cast(0.74 as {{ type_double() }}),
            cast(coalesce(negations.negators_before, 0) as {{ type_double() }})
        )
        * case
            when first_but.but_position is null then 1.0
            when words.word_position < first_but.but_position then 0.5
            when words.word_position > first_but.but_position then 1.5
            else 1.0
        end as weighted_valence

    from words

    inner join valences
        on words.word = valences.token

    left join negations
        on
            words.record_id = negations.record_id
            and words.word_position = negations.word_position

    left join first_but
        on words.record_id = first_but.record_id

),

summed as (

    select
        record_id,
        -- rounded to 9 decimals (through a decimal: PostgreSQL rounds no
        -- double): a sum of fractions must not depend on the row order
        cast(
            cast(sum(weighted_valence) as decimal(28, 9)) as {{ type_double() }}
        ) as valence_sum

    from weighted

    group by 1

),

scored as (

    select
        comments.record_id,
        comments.customer_id,
        comments.occurred_at,
        comments.survey_type,
        comments.score,
        comments.score_sentiment,
        coalesce(summed.valence_sum, 0)
        / sqrt(
            coalesce(summed.valence_sum, 0) * coalesce(summed.valence_sum, 0)
            + 15
        ) as text_sentiment_score

    from comments

    left join summed
        on comments.record_id = summed.record_id

),

final as (

    select
        record_id,
        customer_id,
        occurred_at,
        survey_type,
        score,
        score_sentiment,
        cast(text_sentiment_score as {{ type_double() }})
            as text_sentiment_score,
        cast(
            case
                when text_sentiment_score >= 0.05 then 'positive'
                when text_sentiment_score <= -0.05 then 'negative'
                else 'neutral'
            end as {{ dbt.type_string() }}
        ) as text_sentiment

    from scored

)

select
    *,
    coalesce(score_sentiment = text_sentiment, false) as sentiments_agree

from final
