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

{#- The taxonomy's patterns are written into the SQL as literals when the
    seed is in the warehouse (a build): an engine compiles a literal
    pattern once, but a pattern read from a column once per row, which
    made this model 30 s of a 50k build instead of under 1 s (DECISIONS
    112). Where the seed is not a table (parsing, linting, unit tests with
    their own taxonomy rows) the records are matched against the column,
    with the same result. #}
{%- set taxonomy_relation = ref('voc_topics') -%}
{%- set patterns = none -%}
{%- if execute and model.resource_type == 'model'
    and load_relation(taxonomy_relation) is not none -%}
    {%- set patterns = run_query(
        "select topic, topic_kind, pattern from " ~ taxonomy_relation
        ~ " order by topic, pattern").rows -%}
{%- endif %}

with

records as (

    select * from {{ ref('int_voice_records') }}

    where voice_text is not null

),

{% if patterns is not none %}
matched as (

    select distinct
        record_id,
        record_type,
        topic,
        topic_kind

    from (
        {%- for topic, topic_kind, pattern in patterns %}
        {{ 'union all' if not loop.first }}
        select
            records.record_id,
            records.record_type,
            cast({{ retention.text_literal(topic) }} as {{ dbt.type_string() }})
                as topic,
            cast({{ retention.text_literal(topic_kind) }}
                as {{ dbt.type_string() }}) as topic_kind
        from records
        where {{ retention.matches_regex(
            'lower(records.voice_text)', retention.text_literal(pattern),
            pattern_is_column=true) }}
        {%- endfor %}
        {%- if patterns | length == 0 %}
        select
            record_id,
            record_type,
            cast(null as {{ dbt.type_string() }}) as topic,
            cast(null as {{ dbt.type_string() }}) as topic_kind
        from records
        where false
        {%- endif %}
    ) as per_pattern

)
{% else %}
taxonomy as (

    select * from {{ taxonomy_relation }}

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
{% endif %}

select * from matched
