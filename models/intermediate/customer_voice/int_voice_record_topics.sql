{# One row per voice record (survey comment or ticket category) and topic
   it mentions: the record's text, lower-cased, matches at least one of
   the topic's patterns in the voc_topics seed (the user-editable
   taxonomy), with the topic's kind (pain_point or praise). Records that
   mention no topic have no row. #}

{#- A table, not a view: the voice marts, the health alerts and the renewals
    at risk (through int_customer_negative_topics) and their data tests all
    read it; as a view each of them matched every comment again (at 50k
    customers, most of the time of the four largest marts). #}
{{ config(materialized='table') }}

with

records as (

    select * from {{ ref('int_voice_records') }}

    where voice_text is not null

),

taxonomy as (

    select * from {{ ref('voc_topics') }}

),

matched as (

    select distinct
        records.record_id,
        records.record_type,
        cast(taxonomy.topic as {{ dbt.type_string() }}) as topic,
        cast(taxonomy.topic_kind as {{ dbt.type_string() }}) as topic_kind

    from records

    cross join taxonomy

    where
        {{ retention.matches_regex(
            'lower(records.voice_text)', 'taxonomy.pattern',
            pattern_is_column=true) }}

)

select * from matched
