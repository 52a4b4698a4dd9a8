{#- Free text with the contact details inside it masked: every e-mail
    address becomes '<email>' and every phone number becomes '<phone>': a
    '+' and at least 7 digits, or at least 9 digits, with spaces, dots,
    dashes, slashes or brackets between them (an ISO date, 8 digits, is
    kept; a date with its hour is not). Applied to text that is published
    and may hold what a person typed. -#}
{% macro mask_contact_details(column) -%}
    {{ return(retention.regexp_replace_all(
        retention.mask_emails(column),
        '[+][0-9]([ ./()-]*[0-9]){6,}|[(]?[0-9]([ ./()-]*[0-9]){8,}',
        '<phone>')) }}
{%- endmacro %}

{#- Every e-mail address in `column` replaced by '<email>' (also used on
    the raw values of quarantined rows). -#}
{% macro mask_emails(column) -%}
    {{ return(retention.regexp_replace_all(
        column,
        '[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+([.][A-Za-z0-9-]+)+',
        '<email>')) }}
{%- endmacro %}

{#- Every match of `pattern` in `column` replaced by `replacement`. -#}
{% macro regexp_replace_all(column, pattern, replacement) -%}
    {{ return(adapter.dispatch('regexp_replace_all', 'retention')(
        column, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regexp_replace_all(column, pattern, replacement) -%}
    regexp_replace({{ column }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}

{#- Java writes group references as $1, not \1. -#}
{% macro spark__regexp_replace_all(column, pattern, replacement) -%}
    regexp_replace({{ column }}, '{{ pattern }}',
        '{{ replacement | replace("\\", "$") }}')
{%- endmacro %}

{#- Free text with the name that follows a greeting, sign-off or reference
    cue replaced by '<name>' (see _macros.yml). -#}
{% macro mask_person_names(column) -%}
    {%- set cues = ['regards', 'kind regards', 'best regards', 'cheers',
        'thanks', 'thank you', 'hi', 'hello', 'dear', 'spoke with',
        'spoke to', 'talked to', 'talked with', 'agent', 'my name is',
        'ask for', 'contact', 'signed'] -%}
    {%- set alternatives = [] -%}
    {%- for cue in cues -%}
        {%- set letters = [] -%}
        {%- for character in cue -%}
            {%- if character.isalpha() -%}
                {%- do letters.append('[' ~ character.upper() ~ character ~ ']') -%}
            {%- else -%}
                {%- do letters.append(character) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- do alternatives.append(letters | join('')) -%}
    {%- endfor -%}
    {{ return(retention.regexp_replace_all(
        column,
        '(^|[^A-Za-z])(' ~ alternatives | join('|')
        ~ ')([ ,:-]+)[A-Z][A-Za-z-]*( [A-Z][A-Za-z-]*)?',
        '\\1\\2\\3<name>')) }}
{%- endmacro %}
