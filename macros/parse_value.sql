{#- SQL expression that parses a raw text value into `kind`, or NULL when it
    cannot be parsed. Kinds: string, integer, money, number, timestamp, date,
    boolean. Safe on every engine: a value is cast only after a regular
    expression and a calendar check proved the cast cannot fail, so a
    21-digit amount, a 20-digit score or 2024-02-30 give NULL (quarantined
    by validate_export) instead of a conversion error, and engines whose
    casts return NULL silently (Spark without ANSI mode) behave the same.
    Engine-specific parts go through adapter.dispatch. -#}
{% macro parse_value(column, kind) -%}
    {{ return(adapter.dispatch('parse_value', 'retention')(column, kind)) }}
{%- endmacro %}

{#- The shape of a raw integer, money or number. bounded: with no more
    integer digits than its type holds (bigint holds 18 for sure,
    decimal(18, 4) 14, decimal(18, 8) 10); unbounded: any number of digits
    (text of that shape that does not fit is out_of_range). -#}
{% macro numeric_pattern(kind, bounded=true) -%}
    {%- set integer_digits = {'integer': 18, 'money': 14, 'number': 10}[kind] -%}
    {%- set digits = '{1,' ~ integer_digits ~ '}' if bounded else '+' -%}
    {%- if kind == 'integer' -%}
        {{ return('^[+-]?[0-9]' ~ digits ~ '$') }}
    {%- else -%}
        {{ return('^[+-]?[0-9]' ~ digits ~ '([.][0-9]+)?$') }}
    {%- endif -%}
{%- endmacro %}

{% macro default__parse_value(column, kind) -%}
    {%- if kind == 'string' -%}
        {{ column }}
    {%- elif kind == 'integer' -%}
        case
            when {{ retention.matches_regex(column, retention.numeric_pattern(kind)) }}
                then {{ retention.try_cast(column, dbt.type_bigint()) }}
        end
    {%- elif kind == 'money' -%}
        case
            when {{ retention.matches_regex(column, retention.numeric_pattern(kind)) }}
                then {{ retention.try_cast(column, 'decimal(18, 4)') }}
        end
    {%- elif kind == 'number' -%}
        case
            when {{ retention.matches_regex(column, retention.numeric_pattern(kind)) }}
                then {{ retention.try_cast(column, 'decimal(18, 8)') }}
        end
    {%- elif kind == 'timestamp' -%}
        {{ retention.parse_utc_timestamp(column) }}
    {%- elif kind == 'date' -%}
        case
            when {{ retention.matches_regex(column, '^[0-9]{4}-[0-9]{2}-[0-9]{2}$') }}
                and {{ retention.is_calendar_date(column) }}
                then {{ retention.try_cast(column, 'date') }}
        end
    {%- elif kind == 'boolean' -%}
        case
            when lower({{ column }}) in ('true', 't', '1', 'yes', 'y') then true
            when lower({{ column }}) in ('false', 'f', '0', 'no', 'n') then false
        end
    {%- else -%}
        {{ exceptions.raise_compiler_error("parse_value: unknown kind " ~ kind) }}
    {%- endif -%}
{%- endmacro %}

{#- Boolean: the text's first 10 characters (YYYY-MM-DD, already matched
    by a regular expression) name a day that exists: year 1 or later (there
    is no year 0 on PostgreSQL), month 1-12, day within the month's length
    (leap years by the Gregorian rule). Portable arithmetic on digit
    substrings. Their casts cannot fail either: an engine may evaluate
    this before the pattern that guards it (Spark reorders the terms of an
    AND, and raises on a bad cast in ANSI mode), so they are try_casts. -#}
{% macro is_calendar_date(column) -%}
    {%- set year = retention.try_cast("substr(" ~ column ~ ", 1, 4)", "integer") -%}
    {%- set month = retention.try_cast("substr(" ~ column ~ ", 6, 2)", "integer") -%}
    {%- set day = retention.try_cast("substr(" ~ column ~ ", 9, 2)", "integer") -%}
    ({{ year }} >= 1
        and {{ month }} between 1 and 12
        and {{ day }} between 1 and case
            when {{ month }} in (4, 6, 9, 11) then 30
            when {{ month }} = 2 then case
                when mod({{ year }}, 400) = 0 then 29
                when mod({{ year }}, 100) = 0 then 28
                when mod({{ year }}, 4) = 0 then 29
                else 28
            end
            else 31
        end)
{%- endmacro %}

{#- A cast that cannot fail: DuckDB's and Spark's try_cast; elsewhere a
    plain cast, which callers only apply to text a pattern has already
    proved valid (PostgreSQL evaluates a CASE branch only when it applies). -#}
{% macro try_cast(column, type) -%}
    {{ return(adapter.dispatch('try_cast', 'retention')(column, type)) }}
{%- endmacro %}

{% macro default__try_cast(column, type) -%}
    cast({{ column }} as {{ type }})
{%- endmacro %}

{% macro duckdb__try_cast(column, type) -%}
    try_cast({{ column }} as {{ type }})
{%- endmacro %}

{% macro spark__try_cast(column, type) -%}
    try_cast({{ column }} as {{ type }})
{%- endmacro %}
