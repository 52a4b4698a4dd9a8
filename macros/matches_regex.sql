{#- Boolean: `column` matches the regular expression `pattern`, a literal
    (quoted here) or, with pattern_is_column=true, a column or expression
    holding the pattern (a taxonomy seed's patterns). Patterns are written
    in the subset the three engines read alike (RE2, PostgreSQL's ARE,
    Java): alternation, groups, classes, ? * + and {m,n}; no \b (PostgreSQL
    reads it as a backspace), no look-around (RE2 has none). -#}
{% macro matches_regex(column, pattern, pattern_is_column=false) -%}
    {%- set expression = pattern if pattern_is_column
        else "'" ~ pattern ~ "'" -%}
    {{ return(adapter.dispatch('matches_regex', 'retention')(
        column, expression)) }}
{%- endmacro %}

{% macro default__matches_regex(column, expression) -%}
    regexp_matches({{ column }}, {{ expression }})
{%- endmacro %}

{% macro postgres__matches_regex(column, expression) -%}
    ({{ column }} ~ {{ expression }})
{%- endmacro %}

{% macro spark__matches_regex(column, expression) -%}
    ({{ column }} rlike {{ expression }})
{%- endmacro %}
