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

{% macro spark__regexp_replace_all(column, pattern, replacement) -%}
    regexp_replace({{ column }}, '{{ pattern }}', '{{ replacement }}')
{%- endmacro %}
