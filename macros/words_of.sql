{#- A select of one row per word of `text_column` in `relation`:
    (`id_column`, word_position from 1, word). Text is lower-cased, the
    typographic apostrophe read as ', and split on every run of characters
    other than a-z, 0-9 and the apostrophe; empty pieces are dropped (their
    positions stay counted, so neighbours stay neighbours). -#}
{% macro words_of(relation, id_column, text_column) -%}
    {{ return(adapter.dispatch('words_of', 'retention')(
        relation, id_column, text_column)) }}
{%- endmacro %}

{#- The apostrophe is written chr(39) on Spark: its parser reads '' inside
    a literal as two adjacent literals (concatenated), not as a quote; and
    its chr(n) is chr(n % 256) above 255: the typographic one is \u2019. -#}
{% macro words_separator() -%}
    {%- if target.type == 'spark' -%}
        {{ return("concat('[^a-z0-9', chr(39), ']+')") }}
    {%- endif -%}
    {{ return("'[^a-z0-9'']+'") }}
{%- endmacro %}

{% macro words_text(text_column) -%}
    {%- if target.type == 'spark' -%}
        {{ return("replace(lower(" ~ text_column ~ "), '"
            ~ retention.unicode_escapes([8217]) ~ "', chr(39))") }}
    {%- endif -%}
    {{ return("replace(lower(" ~ text_column ~ "), chr(8217), '''')") }}
{%- endmacro %}

{% macro default__words_of(relation, id_column, text_column) -%}
    select
        {{ id_column }},
        word_position,
        word
    from (
        select
            {{ id_column }},
            unnest(words) as word,
            unnest(range(1, len(words) + 1)) as word_position
        from (
            select
                {{ id_column }},
                regexp_split_to_array(
                    {{ retention.words_text(text_column) }},
                    {{ retention.words_separator() }}
                ) as words
            from {{ relation }}
        ) as split_text
    ) as unnested
    where word <> ''
{%- endmacro %}

{% macro postgres__words_of(relation, id_column, text_column) -%}
    select
        split_text.{{ id_column }},
        cast(pieces.word_position as integer) as word_position,
        pieces.word
    from {{ relation }} as split_text
    cross join lateral regexp_split_to_table(
        {{ retention.words_text('split_text.' ~ text_column) }},
        {{ retention.words_separator() }}
    ) with ordinality as pieces (word, word_position)
    where pieces.word <> ''
{%- endmacro %}

{% macro spark__words_of(relation, id_column, text_column) -%}
    select
        {{ id_column }},
        word_position + 1 as word_position,
        word
    from {{ relation }}
    lateral view posexplode(split(
        {{ retention.words_text(text_column) }},
        {{ retention.words_separator() }}
    )) pieces as word_position, word
    where word <> ''
{%- endmacro %}
