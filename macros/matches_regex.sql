{#- Boolean: `column` matches the regular expression `pattern`. -#}
{% macro matches_regex(column, pattern) -%}
    {{ return(adapter.dispatch('matches_regex', 'retention')(column, pattern)) }}
{%- endmacro %}

{% macro default__matches_regex(column, pattern) -%}
    regexp_matches({{ column }}, '{{ pattern }}')
{%- endmacro %}

{% macro postgres__matches_regex(column, pattern) -%}
    ({{ column }} ~ '{{ pattern }}')
{%- endmacro %}

{% macro spark__matches_regex(column, pattern) -%}
    ({{ column }} rlike '{{ pattern }}')
{%- endmacro %}
