{#- Text without leading or trailing white space of any kind: spaces, tabs,
    line breaks, vertical tab, form feed, no-break and other Unicode spaces,
    and a stray byte-order mark. trim() alone removes spaces only, so a key
    exported as 'cus_1\t' would not match 'cus_1'. -#}
{% macro trim_whitespace(column) -%}
    {{ return(adapter.dispatch('trim_whitespace', 'retention')(column)) }}
{%- endmacro %}

{% macro whitespace_codes() -%}
    {{ return([32, 9, 10, 11, 12, 13, 133, 160, 5760, 8192, 8193, 8194,
        8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8203, 8232, 8233,
        8239, 8287, 12288, 65279]) }}
{%- endmacro %}

{% macro whitespace_characters() -%}
    {%- set parts = [] -%}
    {%- for code in retention.whitespace_codes() -%}
        {%- do parts.append('chr(' ~ code ~ ')') -%}
    {%- endfor -%}
    {{ return('(' ~ parts | join(' || ') ~ ')') }}
{%- endmacro %}

{% macro default__trim_whitespace(column) -%}
    trim(both {{ retention.whitespace_characters() }} from {{ column }})
{%- endmacro %}

{#- DuckDB's trim with a set of characters costs about 0.5 s per million
    values (five times a plain trim), so it runs only on values that start
    or end with one of the characters (an empty value counts: it is
    returned as it is). -#}
{% macro duckdb__trim_whitespace(column) -%}
    {%- set characters = retention.whitespace_characters() -%}
    case
        when
            contains({{ characters }}, left({{ column }}, 1))
            or contains({{ characters }}, right({{ column }}, 1))
            then trim({{ column }}, {{ characters }})
        else {{ column }}
    end
{%- endmacro %}

{#- Spark's chr(n) is chr(n % 256) above 255: the set is written as \uXXXX
    escapes in one string literal instead. -#}
{% macro spark__trim_whitespace(column) -%}
    trim(both '{{ retention.unicode_escapes(retention.whitespace_codes()) }}'
        from {{ column }})
{%- endmacro %}

{#- Spark string-literal escapes (\uXXXX) of the characters of `codes`. -#}
{% macro unicode_escapes(codes) -%}
    {%- set parts = [] -%}
    {%- for code in codes -%}
        {%- do parts.append('\\u' ~ '%04x' | format(code)) -%}
    {%- endfor -%}
    {{ return(parts | join('')) }}
{%- endmacro %}
